package dev.medallion.bronze.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteSizesTest {
    @Test
    void decimalUnitsWithOneDecimal() {
        assertEquals("0 B", ByteSizes.format(0));
        assertEquals("999 B", ByteSizes.format(999));
        assertEquals("1.0 kB", ByteSizes.format(1000));
        assertEquals("12.6 MB", ByteSizes.format(12_582_912));
        assertEquals("1.0 MB", ByteSizes.format(999_999));
        assertEquals("1.5 GB", ByteSizes.format(1_500_000_000));
        assertEquals("2000.0 TB", ByteSizes.format(2_000_000_000_000_000L));
    }
}
