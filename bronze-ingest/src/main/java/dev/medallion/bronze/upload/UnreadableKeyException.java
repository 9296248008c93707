package dev.medallion.bronze.upload;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A HeadObject answered 403. Without s3:ListBucket on the bucket, S3 answers 403 rather than 404 for a key that holds
 * nothing (HeadObject, Amazon S3 API Reference: "If you don't have the s3:ListBucket permission, Amazon S3 returns an
 * HTTP status code 403 Forbidden error"), so this says either that the key holds an object these credentials may not
 * read (no s3:GetObject), or that it holds nothing: a writer of another account, which may not list the bucket, cannot
 * tell which. The caller writes conditionally on no object, and S3's answer to that write tells them apart.
 */
final class UnreadableKeyException extends IOException {
    UnreadableKeyException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }
}
