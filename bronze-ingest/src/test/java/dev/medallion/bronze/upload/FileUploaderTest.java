package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileUploaderTest {
    private static final int MIB = 1 << 20;

    @Test
    void partsGrowOnlyWhenTenThousandWouldNotHoldTheFile() {
        assertEquals(8 * MIB, FileUploader.partSizeFor(1L << 30, 8 * MIB));
        assertEquals(8 * MIB, FileUploader.partSizeFor(10_000L * 8 * MIB, 8 * MIB));
        // 100 GiB in 10,000 parts needs 10.24 MiB each, rounded up to whole MiB.
        assertEquals(11 * MIB, FileUploader.partSizeFor(100L << 30, 8 * MIB));
        assertThrows(IllegalArgumentException.class, () -> FileUploader.partSizeFor(6L << 40, 8 * MIB));
    }
}
