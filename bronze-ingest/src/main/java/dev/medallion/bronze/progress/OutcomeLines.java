package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.UploadOutcome;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/** One line per file: what happened, from where to where, and why. */
public final class OutcomeLines {
    private final String bucket;

    public OutcomeLines(String bucket) {
        this.bucket = requireNonNull(bucket, "bucket is null");
    }

    public String describe(UploadOutcome outcome) {
        String route = outcome.file().path() + " -> s3://" + bucket + "/" + outcome.file().key();
        String size = ByteSizes.format(outcome.file().size());
        return switch (outcome.status()) {
            case UPLOADED -> String.format(Locale.ROOT, "uploaded %s (%s, %s, %.2f s)", route, size, outcome.detail(),
                    outcome.elapsed().toNanos() / 1e9);
            case WOULD_UPLOAD -> "would upload " + route + " (" + size + ", " + outcome.detail() + ")";
            case SKIPPED -> "skipped " + route + " (" + size + ", " + outcome.detail() + ")";
            case FAILED -> "failed " + route + ": " + outcome.detail();
        };
    }
}
