package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadAttemptLimitTest {
    private static final long MIB = 1 << 20;

    @Test
    void anAttemptGetsTheFloorPlusItsBodyAtTheMinimumThroughput() {
        UploadAttemptLimit limit = UploadAttemptLimit.STANDARD;

        assertEquals(Duration.ofSeconds(60), limit.forBody(0));
        // The default part: 8 MiB at 32 KiB/s is 256 s.
        assertEquals(Duration.ofSeconds(60 + 256), limit.forBody(8 * MIB));
        // The largest --part-size, 1 GiB: 9.1 hours, what a 256 kbit/s link takes to send it.
        assertEquals(Duration.ofSeconds(60 + 32_768), limit.forBody(1024 * MIB));
        // S3's largest part, 5 GiB, without overflow.
        assertEquals(Duration.ofSeconds(60 + 5 * 32_768), limit.forBody(5 * 1024 * MIB));
    }

    @Test
    void aBodyThatIsNotAWholeNumberOfMillisecondsIsRoundedUp() {
        assertEquals(Duration.ofMillis(1_001), new UploadAttemptLimit(Duration.ofSeconds(1), 1_000_000).forBody(1));
    }

    @Test
    void aLimitThatWouldCutEveryAttemptIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UploadAttemptLimit(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new UploadAttemptLimit(Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> UploadAttemptLimit.STANDARD.forBody(-1));
    }
}
