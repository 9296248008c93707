package dev.medallion.bronze.upload;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How long one attempt of a request that sends a file's bytes (a PutObject, an UploadPart) may take before the
 * SDK gives it up and retries it ({@code apiCallAttemptTimeout}): a floor, plus the body at a minimum throughput;
 * and one of a request with no body (HeadBucket, HeadObject, Create and Abort MultipartUpload): the floor.
 *
 * <p>Why a limit at all: the HTTP client's socket timeout bounds reads only ({@code Socket.setSoTimeout}: "a read()
 * call on the InputStream associated with this Socket will block for only this amount of time"), and Java socket
 * writes have none. A connection that stops taking the body mid-way (a NAT or proxy that dropped the flow, a
 * Wi-Fi handover) blocks the write until the kernel gives up on its retransmissions, about 15 minutes on Linux
 * ({@code net.ipv4.tcp_retries2}), or for good while the peer keeps acknowledging a closed window: the progress
 * bar frozen, no retry. The AWS CLI fails such a request after its 60 s socket timeout and retries it.
 *
 * <p>Why this size: a healthy slow link is never cut. The limit covers the body at {@link #MINIMUM_THROUGHPUT}
 * per request, 32 KiB/s (256 kbit/s), so that the default four uploads at once fit in a 1 Mbit/s uplink (a slow
 * ADSL line), and {@code --concurrency 1} in 256 kbit/s; the floor, the AWS CLI's 60 s, covers the connection,
 * the answer and S3's checks of a small body. A part of the default 8 MiB gets 60 + 256 s; the largest, 1 GiB,
 * 60 s + 9.1 h.
 *
 * @param floor what any attempt gets, whatever its body
 * @param minimumBytesPerSecond the slowest a healthy attempt sends its body
 */
public record UploadAttemptLimit(Duration floor, long minimumBytesPerSecond) {
    /** The slowest a healthy request sends its body, in bytes per second: 32 KiB/s, 256 kbit/s. */
    public static final long MINIMUM_THROUGHPUT = 32 * 1024;
    /** What a run uses. */
    public static final UploadAttemptLimit STANDARD = new UploadAttemptLimit(Duration.ofSeconds(60), MINIMUM_THROUGHPUT);

    public UploadAttemptLimit {
        requireNonNull(floor, "floor is null");
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("The floor of an attempt's time limit must be positive: " + floor);
        }
        if (minimumBytesPerSecond <= 0) {
            throw new IllegalArgumentException("The minimum throughput must be positive: " + minimumBytesPerSecond + " bytes per second");
        }
    }

    /**
     * The time one attempt of a request with no body and a small answer gets (HeadBucket, HeadObject, Create and Abort
     * MultipartUpload): the floor. S3 answers them in milliseconds; the HTTP client's socket timeout (30 s) bounds each
     * read of the answer, not the whole of it, so an answer that trickles in would otherwise be waited for without end.
     */
    public Duration withoutBody() {
        return floor;
    }

    /** The time one attempt sending a body of {@code bytes} gets: the floor, plus the body at the minimum throughput, rounded up to a millisecond. */
    public Duration forBody(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("A body's length is negative: " + bytes);
        }
        // At most 5 GiB (S3's largest part or PutObject) times 1000: far from overflowing a long.
        return floor.plusMillis((bytes * 1000 + minimumBytesPerSecond - 1) / minimumBytesPerSecond);
    }
}
