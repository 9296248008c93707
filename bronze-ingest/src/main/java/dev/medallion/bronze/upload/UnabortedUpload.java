package dev.medallion.bronze.upload;

import dev.medallion.common.cli.ShellWord;

import java.net.URI;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A multipart upload that could not be aborted, such as when the network dropped both a part and the
 * abort after it. No object appears under the key, but the parts sent so far stay in the bucket, billed,
 * until the bucket's lifecycle rule removes them or someone aborts the upload by hand: what a person needs
 * for that is the upload's key and id, which this names, and the command, which it gives.
 *
 * @param endpoint the endpoint the run used instead of S3 (an emulator), which the command must use too
 * @param reason why the abort failed, one line
 */
public record UnabortedUpload(String bucket, String key, String uploadId, Optional<URI> endpoint, String reason) {
    /**
     * Until when the parts stay. The days are the stack's ({@code abort_incomplete_multipart_upload_days}
     * of terraform/modules/s3-bucket, one by default and for every bucket of the stack); a bucket from
     * elsewhere may have no such rule, hence "the stack's buckets".
     */
    public static final String UNTIL_REMOVED = "until the bucket's lifecycle rule for incomplete multipart uploads removes them "
            + "(the stack's buckets: a day after the upload started)";

    public UnabortedUpload {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(uploadId, "uploadId is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(reason, "reason is null");
    }

    /** What is left, until when, and how to remove it now, in one line. */
    public String describe() {
        return "multipart upload " + uploadId + " of s3://" + bucket + "/" + key + " could not be aborted (" + reason + "): "
                + "its parts stay in the bucket, billed, " + UNTIL_REMOVED + "; to abort it now: " + abortCommand();
    }

    /** The AWS CLI command that aborts the upload, ready to paste into a shell. */
    public String abortCommand() {
        return "aws s3api abort-multipart-upload --bucket " + ShellWord.of(bucket) + " --key " + ShellWord.of(key) + " --upload-id " + ShellWord.of(uploadId)
                + endpoint.map(uri -> " --endpoint-url " + ShellWord.of(uri.toString())).orElse("");
    }
}
