package dev.medallion.bronze.cli;

import dev.medallion.bronze.progress.ByteSizes;
import dev.medallion.bronze.progress.LogLineProgress;
import dev.medallion.bronze.progress.OutcomeLines;
import dev.medallion.bronze.progress.TerminalProgress;
import dev.medallion.bronze.progress.Terminals;
import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.BronzeKeyLayout;
import dev.medallion.bronze.upload.CsvFiles;
import dev.medallion.bronze.upload.FileOpener;
import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.bronze.upload.OutageStop;
import dev.medallion.bronze.upload.TemporaryFailureException;
import dev.medallion.bronze.upload.UnabortedUpload;
import dev.medallion.bronze.upload.UploadAttemptLimit;
import dev.medallion.bronze.upload.UploadListener;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.bronze.upload.UploadOutcome.FailureKind;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import dev.medallion.bronze.upload.UploadOutcome.UnknownLanding;
import dev.medallion.bronze.upload.UploadPlanner;
import dev.medallion.bronze.upload.UploadRefusedException;
import dev.medallion.bronze.upload.UploadRun;
import dev.medallion.bronze.upload.UploadSummary;
import dev.medallion.common.text.UnreadNames;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The upload command from start to end: plan (paths, keys, the start of every file), check the bucket,
 * read every file whole for what the converter would reject, upload, print the table. Everything that can
 * refuse the run happens before the first write. The bucket comes before the whole read, which takes
 * minutes for tens of GB, so that a wrong name, missing credentials, a denied bucket or another region are
 * refused in a second; what the plan finds refuses the run before any request, as it takes milliseconds.
 */
final class UploadCommand {
    /** Beyond this many left-out files the notice gives the count only. */
    private static final int MAX_NAMED_IGNORED = 5;
    /** Beyond this many failed files of one kind, the line naming them gives the first ones only. */
    private static final int MAX_NAMED_FAILED = 5;
    /** A failure by the SDK's own classification of what it retries ({@link dev.medallion.bronze.upload.TransientFailures}), up to how many attempts. */
    private static final String TEMPORARY_REASON = "failed for a reason that may be temporary (S3 throttling, a server error (5xx) or the network failing, ";
    /**
     * Why the SDK made fewer attempts than its maximum: its retry quota, a token bucket per client that each retry of a
     * reset, a timeout or a 5xx draws on and each request that goes through refills ({@code RetryMode.LEGACY}: 500 tokens, 5 a
     * retry), is spent, as in a run of which many requests fail, and a request is then sent once.
     */
    private static final String RETRY_QUOTA_SPENT = "the SDK stops retrying once many of the run's requests have failed (its retry quota is spent)";
    private static final String LASTING_REASON = "failed for a reason a retry meets again until it is fixed, as its line above says (S3 refusing the"
            + " request, such as a 403; a file that could not be read, or changed while it was; another writer holding the key)";
    private static final String RE_RUN_SKIPS_LANDED = "A re-run compares the object under the key with the file (size and CRC32) and skips the file if it landed.";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final S3ClientFactory clients;
    private final FileOpener opener;
    private final Map<String, Charset> encodings;

    private final UploadAttemptLimit attemptLimit;

    /**
     * @param encodings what {@code CSV_ENCODINGS} declares, as the converter reads it
     * @param attemptLimit how long one attempt of a PutObject or an UploadPart may take
     */
    UploadCommand(PrintStream out, PrintStream err, boolean interactive, S3ClientFactory clients, FileOpener opener, Map<String, Charset> encodings,
            UploadAttemptLimit attemptLimit) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.interactive = interactive;
        this.clients = requireNonNull(clients, "clients is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.encodings = Map.copyOf(requireNonNull(encodings, "encodings is null"));
        this.attemptLimit = requireNonNull(attemptLimit, "attemptLimit is null");
    }

    int run(UploadOptions options) throws UploadRefusedException, TemporaryFailureException, IOException, InterruptedException {
        long started = System.nanoTime();
        UploadPlanner planner = new UploadPlanner(new BronzeKeyLayout(options.prefix()), options.dataset(), encodings);
        UploadPlanner.Plan planned = planner.plan(options.paths(), options.allowEmpty() ? UploadPlanner.EmptyFolders.ALLOWED : UploadPlanner.EmptyFolders.REFUSED);
        try (S3Client client = clients.create(options.endpoint())) {
            BronzeBucket bucket = new BronzeBucket(client, options.bucket(), attemptLimit);
            // HeadBucket reads: a run refused after it, for a file's content, has written nothing.
            if (bucket.checkAccess() == BronzeBucket.Access.NOT_LISTABLE) {
                err.println(bucket.notListableNote());
            }
            // The files as their check read them: their uploads send those bytes or nothing.
            UploadPlanner.Plan plan = planner.checkContent(planned);
            announce(options, plan, bucket);

            FileUploader uploader = new FileUploader(bucket, opener, options.partSize(), options.dryRun());
            OutcomeLines lines = new OutcomeLines(bucket.name());
            UploadListener listener = interactive ? new TerminalProgress(err, lines, Terminals.width()) : new LogLineProgress(err, lines);
            // Ctrl-C ends the JVM with uploads in flight: their parts would be kept, and billed, until a lifecycle rule.
            Thread abortOnExit = new Thread(() -> {
                BronzeBucket.Abort abort = bucket.abortUnfinished();
                List<UnabortedUpload> unaborted = abort.unaborted();
                err.println();
                if (abort.partsStillSent() > 0) {
                    boolean one = abort.partsStillSent() == 1;
                    err.println("Interrupted: " + (one ? "a part was still on its way" : abort.partsStillSent() + " parts were still on their way")
                            + " after " + BronzeBucket.PARTS_IN_FLIGHT_WAIT.toSeconds() + " s; S3 may store " + (one ? "it" : "them")
                            + " after the abort: such parts are billed " + UnabortedUpload.UNTIL_REMOVED);
                }
                if (unaborted.isEmpty()) {
                    err.println("Interrupted: the multipart uploads in flight were aborted, so no partial object appears; "
                            + "run the same command again to finish");
                }
                else {
                    // The upload threads are cut short: these lines are the only place the uploads are named.
                    unaborted.forEach(upload -> err.println("Interrupted: " + upload.describe()));
                    err.println("Run the same command again to finish: files already uploaded are skipped");
                }
                err.flush();
            }, "abort-multipart-uploads");
            Runtime.getRuntime().addShutdownHook(abortOnExit);
            UploadRun.Result result;
            try {
                result = new UploadRun(uploader, options.concurrency()).run(plan.files(), listener);
            }
            finally {
                removeHook(abortOnExit);
            }

            List<UploadOutcome> outcomes = result.outcomes();
            UploadSummary summary = UploadSummary.of(outcomes, result.notAttempted().size(), Duration.ofNanos(System.nanoTime() - started), options.dryRun());
            out.print(summary.table());
            out.flush();
            if (summary.failed() > 0) {
                reportFailures(summary.failed(), outcomes.stream().flatMap(outcome -> outcome.unaborted().stream()).toList(),
                        outcomes.stream().flatMap(outcome -> outcome.mayHaveLanded().stream()).toList());
                List<UploadOutcome> failed = outcomes.stream().filter(outcome -> outcome.status() == Status.FAILED).toList();
                failureKindLines(failed, maxAttempts(client)).forEach(err::println);
                // Uploads are idempotent (a re-run skips what landed), so a run whose failures a retry may all cure asks a
                // scheduler to retry it, as a run that could not start does; one lasting failure, which a retry meets again, makes it 1.
                boolean temporary = failed.stream().allMatch(outcome -> outcome.failure().equals(Optional.of(FailureKind.TRANSIENT)));
                if (!result.notAttempted().isEmpty()) {
                    err.println(stoppedLine(result.notAttempted().size(), plan.files().size(), result.wentThroughAfterStop(), temporary));
                }
                return temporary ? BronzeIngestCli.EXIT_TEMPORARY : BronzeIngestCli.EXIT_FAILED;
            }
            return BronzeIngestCli.EXIT_OK;
        }
    }

    /**
     * What the failed files left, last on stderr. The uploads whose abort failed are listed again with their
     * commands: their lines may be far above, and their parts are billed until someone or the lifecycle
     * rule removes them. Files whose upload may have landed (its answer lost, and the object could not be
     * looked for, or had not appeared when the run stopped looking) are not said to have left nothing.
     */
    private void reportFailures(int failed, List<UnabortedUpload> unaborted, List<UnknownLanding> mayHaveLanded) {
        closingLines(failed, unaborted, mayHaveLanded).forEach(err::println);
    }

    /** The lines {@link #reportFailures} prints, one a line. */
    static List<String> closingLines(int failed, List<UnabortedUpload> unaborted, List<UnknownLanding> mayHaveLanded) {
        List<String> lines = new ArrayList<>();
        if (unaborted.isEmpty() && mayHaveLanded.isEmpty()) {
            lines.add(files(failed) + " failed and left nothing in the bucket; "
                    + "run the same command again to retry: files already uploaded are skipped");
            return lines;
        }
        if (unaborted.isEmpty()) {
            lines.add(files(failed) + " failed.");
        }
        else {
            boolean one = unaborted.size() == 1;
            lines.add(files(failed) + " failed. " + (one ? "This multipart upload" : "These " + unaborted.size() + " multipart uploads")
                    + " could not be aborted: " + (one ? "its" : "their") + " parts stay in the bucket, billed, " + UnabortedUpload.UNTIL_REMOVED
                    + "; to abort " + (one ? "it" : "them") + " now:");
            unaborted.forEach(upload -> lines.add("  " + upload.abortCommand()));
        }
        int lookupFailed = Collections.frequency(mayHaveLanded, UnknownLanding.LOOKUP_FAILED);
        if (lookupFailed > 0) {
            boolean one = lookupFailed == 1;
            lines.add(which(lookupFailed, failed) + " may have landed all the same: " + (one ? "its answer was" : "their answers were")
                    + " lost, and looking for the object failed too. " + RE_RUN_SKIPS_LANDED);
        }
        int notSeen = Collections.frequency(mayHaveLanded, UnknownLanding.NOT_SEEN_IN_TIME);
        if (notSeen > 0) {
            boolean one = notSeen == 1;
            lines.add(which(notSeen, failed) + " may have landed all the same: " + (one ? "its answer was" : "their answers were")
                    + " lost, S3 answered NoSuchUpload to " + (one ? "its abort" : "their aborts") + " (the upload completed, or aborted), and the object"
                    + " had not appeared when the run stopped looking for it (" + FileUploader.LANDING_WAIT.toSeconds() + " s). " + RE_RUN_SKIPS_LANDED);
        }
        int others = failed - unaborted.size() - mayHaveLanded.size();
        String left = others == 0 ? "" : others == 1 ? "The other failed file left nothing in the bucket. " : "The other failed files left nothing in the bucket. ";
        lines.add(left + "Run the same command again to retry: files already uploaded are skipped");
        return lines;
    }

    /**
     * The last line of a run that stopped starting files ({@link OutageStop}): why, how many files were left, and that a
     * re-run uploads them; with exit code 75 when every failure was temporary, as the run's last line always says it. When
     * a file under way went through after the stop, S3 answered again: the line says so, and that a re-run now uploads the
     * rest, rather than to run it later.
     *
     * @param wentThroughAfterStop the files under way when the run stopped that went through after it
     */
    static String stoppedLine(int notAttempted, int files, int wentThroughAfterStop, boolean exitsTemporary) {
        String stopped = "S3 could not be reached: " + OutageStop.TEMPORARY_FAILURES_IN_A_ROW + " files in a row failed for a reason that may be temporary,"
                + " no file uploaded or skipped between them, so the run started no other file: " + notAttempted + " of " + files(files)
                + (notAttempted == 1 ? " was" : " were") + " not attempted. ";
        if (wentThroughAfterStop > 0) {
            return stopped + "S3 answered again before the run ended: " + files(wentThroughAfterStop) + " under way when it stopped went through, so a re-run"
                    + " now uploads the rest" + (exitsTemporary ? ": " + BronzeIngestCli.RETRY_NOW : ".");
        }
        return stopped + "A re-run skips the files uploaded and uploads the rest" + (exitsTemporary ? ": " + BronzeIngestCli.RETRY_LATER : ".");
    }

    /**
     * Which failed files a retry may cure, after the closing lines: when all, one line saying to run the command again
     * later (exit code 75); when some, a line naming those and one naming the others (exit code 1); when none, no line.
     *
     * @param failed the outcomes of the failed files, in the run's order
     */
    static List<String> failureKindLines(List<UploadOutcome> failed, OptionalInt maxAttempts) {
        requireNonNull(failed, "failed is null");
        requireNonNull(maxAttempts, "maxAttempts is null");
        List<Path> temporary = failedSo(failed, FailureKind.TRANSIENT);
        List<Path> lasting = failedSo(failed, FailureKind.LASTING);
        if (temporary.isEmpty()) {
            return List.of();
        }
        String temporaryReason = temporaryReason(failed.stream().filter(outcome -> outcome.failure().equals(Optional.of(FailureKind.TRANSIENT))).toList(),
                maxAttempts);
        if (lasting.isEmpty()) {
            return List.of(which(temporary.size(), failed.size()) + " " + temporaryReason + ": " + BronzeIngestCli.RETRY_LATER);
        }
        return List.of(temporary.size() + " of them " + temporaryReason + ": " + named(temporary),
                lasting.size() + " of them " + LASTING_REASON + ": " + named(lasting));
    }

    /**
     * Why the files failed that a retry may cure, with how many attempts the SDK made of each one's failing request: "at every
     * attempt" read as its maximum, 4, where a run that spent the SDK's retry quota had it send a request once. Fewer than
     * {@code maxAttempts} is said to be the quota's doing, the one reason the SDK gives up a retryable failure early (no call
     * timeout is set). A count the SDK did not give is not told.
     *
     * @param temporary the outcomes of the files that failed for a reason a retry may cure
     * @param maxAttempts the attempts the client's retry strategy makes at most; empty when unknown, and no quota is spoken of
     */
    static String temporaryReason(List<UploadOutcome> temporary, OptionalInt maxAttempts) {
        // Most attempts first: the maximum, while the quota lasted, then fewer.
        SortedMap<Integer, Long> filesByAttempts = temporary.stream().filter(outcome -> outcome.sdkAttempts().isPresent())
                .collect(Collectors.groupingBy(outcome -> outcome.sdkAttempts().getAsInt(), () -> new TreeMap<Integer, Long>(Comparator.reverseOrder()),
                        Collectors.counting()));
        long untold = temporary.size() - filesByAttempts.values().stream().mapToLong(Long::longValue).sum();
        if (filesByAttempts.isEmpty()) {
            return TEMPORARY_REASON + "at every attempt the SDK made)";
        }
        boolean fewerThanMax = maxAttempts.isPresent() && filesByAttempts.lastKey() < maxAttempts.getAsInt();
        if (filesByAttempts.size() == 1 && untold == 0) {
            int attempts = filesByAttempts.firstKey();
            return TEMPORARY_REASON + (attempts == 1 ? "at the 1 attempt" : "at each of the " + attempts + " attempts") + " the SDK made"
                    + (fewerThanMax ? ", not " + maxAttempts.getAsInt() + ": " + RETRY_QUOTA_SPENT : "") + ")";
        }
        List<String> counts = new ArrayList<>();
        filesByAttempts.forEach((attempts, files) -> counts.add((counts.isEmpty() ? attempts + (attempts == 1 ? " attempt" : " attempts") : String.valueOf(attempts))
                + " for " + files(Math.toIntExact(files))));
        if (untold > 0) {
            counts.add("not told for " + files(Math.toIntExact(untold)));
        }
        return TEMPORARY_REASON + "at each attempt the SDK made: " + String.join(", ", counts)
                + (fewerThanMax ? "; fewer than " + maxAttempts.getAsInt() + ": " + RETRY_QUOTA_SPENT : "") + ")";
    }

    /**
     * The attempts the client's retry strategy makes at most, as the SDK resolved it (its retry mode, {@code AWS_MAX_ATTEMPTS},
     * the profile's {@code max_attempts}); empty when the client does not say.
     */
    private static OptionalInt maxAttempts(S3Client client) {
        return client.serviceClientConfiguration().overrideConfiguration().retryStrategy()
                .map(strategy -> OptionalInt.of(strategy.maxAttempts())).orElse(OptionalInt.empty());
    }

    private static List<Path> failedSo(List<UploadOutcome> failed, FailureKind kind) {
        return failed.stream().filter(outcome -> outcome.failure().equals(Optional.of(kind))).map(outcome -> outcome.file().path()).toList();
    }

    /** The files, the first few of a long list: each has its own line above. */
    private static String named(List<Path> files) {
        return files.stream().limit(MAX_NAMED_FAILED).map(Path::toString).collect(Collectors.joining(", ")) + (files.size() > MAX_NAMED_FAILED ? ", ..." : "");
    }

    /** The failed files a line of the closing lines is about: all of them, or some. */
    private static String which(int count, int failed) {
        return count == failed ? (count == 1 ? "It" : "They") : count + " of them";
    }

    private static String files(int count) {
        return count + (count == 1 ? " file" : " files");
    }

    private void announce(UploadOptions options, UploadPlanner.Plan plan, BronzeBucket bucket) {
        String emptyFolders = String.join("; ", plan.emptyFolders()) + " (--allow-empty)";
        if (plan.files().isEmpty()) {
            // One line a scheduled job's log can be searched for: what was looked at, and why nothing was taken.
            err.println((options.dryRun() ? "Dry run, nothing is written: nothing" : "Nothing") + " to upload to s3://" + bucket.name() + "/ at "
                    + bucket.endpoint() + ": " + emptyFolders);
        }
        else {
            announceFiles(options, plan, bucket);
            if (!plan.emptyFolders().isEmpty()) {
                err.println("Nothing to upload: " + emptyFolders);
            }
        }
        leftOutLines(plan);
        err.flush();
    }

    private void announceFiles(UploadOptions options, UploadPlanner.Plan plan, BronzeBucket bucket) {
        String files = files(plan.files().size());
        String datasets = plan.files().stream()
                .map(file -> "s3://" + bucket.name() + "/" + file.key().substring(0, file.key().indexOf('/') + 1))
                .distinct()
                .collect(Collectors.joining(", "));
        err.println((options.dryRun() ? "Dry run, nothing is written: checking " : "Uploading ") + files + " ("
                + ByteSizes.format(plan.totalBytes()) + ") to " + datasets + " at " + bucket.endpoint());
    }

    /** The files, links and folders left out, named as in every run: an empty night's folder may hold a file dropped under a wrong name. */
    private void leftOutLines(UploadPlanner.Plan plan) {
        ignoredLines(plan.ignored()).forEach(err::println);
        leftOut(plan.folderLinks(), " link to a folder, which is not followed (give it as a PATH of its own to upload that folder)",
                " links to folders, which are not followed (give each as a PATH of its own to upload those folders)");
        // Named, unlike hidden files: a _temporary folder says a Spark or Hadoop job is running or failed, and
        // the files beside it may be incomplete.
        leftOut(plan.jobFiles(), " file or folder whose name starts with _, as Hadoop and Spark name what is not a job's output (_temporary, _SUCCESS)",
                " files and folders whose names start with _, as Hadoop and Spark name what is not a job's output (_temporary, _SUCCESS)");
        // Named: the document beside it is open, perhaps being edited, and is uploaded as last saved.
        leftOut(plan.officeLockFiles(), " lock file that Excel or another Office application keeps beside a document open in it (named ~$ and the"
                + " document's name; the document is uploaded as last saved)", " lock files that Excel or another Office application keeps beside"
                + " documents open in it (named ~$ and the document's name; the documents are uploaded as last saved)");
    }

    private void leftOut(List<Path> paths, String one, String several) {
        if (!paths.isEmpty()) {
            err.println(leftOutLine(paths, one, several));
        }
    }

    /**
     * The line naming the files left out for their names, then one per kind of name that says what to do ({@link UnreadNames}, in the
     * words of the converter's line and the local command's), naming the first {@link #MAX_NAMED_IGNORED} files of its kind; none for none.
     */
    static List<String> ignoredLines(List<Path> ignored) {
        if (ignored.isEmpty()) {
            return List.of();
        }
        String suffixes = String.join(", ", CsvFiles.ACCEPTED_SUFFIXES);
        List<String> lines = new ArrayList<>();
        lines.add(leftOutLine(ignored, " file whose name does not end in " + suffixes, " files whose names do not end in " + suffixes));
        UnreadNames.adviceByKind(ignored, MAX_NAMED_IGNORED).forEach(advice -> lines.add("  " + advice));
        return List.copyOf(lines);
    }

    private static String leftOutLine(List<Path> paths, String one, String several) {
        String named = paths.stream().limit(MAX_NAMED_IGNORED).map(Path::toString).collect(Collectors.joining(", "));
        return "Left out " + paths.size() + (paths.size() == 1 ? one : several) + ": " + named + (paths.size() > MAX_NAMED_IGNORED ? ", ..." : "");
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, and aborts whatever is left.
        }
    }
}
