package dev.medallion.bronze.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void showsBytesFilesAndSpeed() {
        String line = ProgressBar.render(12_000_000, 12_000_000, 24_000_000, 3, 7, 2, 100);

        assertEquals("[####################....................]  50%  12.0 MB/24.0 MB  3/7 files  6.0 MB/s", line);
    }

    @Test
    void startsEmptyAndEndsFull() {
        assertEquals("[........................................]   0%  0 B/1.0 kB  0/1 files", ProgressBar.render(0, 0, 1000, 0, 1, 0, 100));
        assertTrue(ProgressBar.render(1000, 1000, 1000, 1, 1, 1, 100).startsWith("[########################################] 100%"));
    }

    @Test
    void emptyFilesCountByFiles() {
        assertTrue(ProgressBar.render(0, 0, 0, 1, 2, 1, 100).contains(" 50%"));
        assertTrue(ProgressBar.render(0, 0, 0, 0, 0, 1, 100).contains("100%"));
    }

    @Test
    void theBarKeepsItsWidthThroughTheRun() {
        int start = ProgressBar.render(0, 0, 2_000_000_000, 0, 12, 0, 80).indexOf(']');
        for (long done = 0; done <= 2_000_000_000; done += 1_000_000) {
            assertEquals(start, ProgressBar.render(done, done, 2_000_000_000, (int) (done / 200_000_000), 12, 3, 80).indexOf(']'), "at " + done);
        }
    }

    @Test
    void noSpeedBeforeHalfASecond() {
        assertTrue(ProgressBar.render(1000, 1000, 2000, 0, 1, 0.4, 100).endsWith("0/1 files"));
        assertTrue(ProgressBar.render(1000, 1000, 2000, 0, 1, 0.5, 100).endsWith("0/1 files  2.0 kB/s"));
    }

    /** A skipped file's bytes are done, not sent: they move the bar, not the speed. */
    @Test
    void theSpeedCountsOnlyTheBytesSent() {
        assertTrue(ProgressBar.render(1_000_000, 2000, 2_000_000, 1, 2, 1, 100).endsWith("1/2 files  2.0 kB/s"));
        assertTrue(ProgressBar.render(1_000_000, 0, 2_000_000, 1, 2, 1, 100).endsWith("1/2 files"), "nothing sent yet, or a dry run");
    }

    @Test
    void fitsANarrowTerminal() {
        for (int width = 20; width <= 120; width++) {
            for (long done = 0; done <= 1_500_000_000; done += 7_000_000) {
                String line = ProgressBar.render(done, done, 1_500_000_000, 3, 7, 0.7, width);
                assertTrue(line.length() <= width || !line.startsWith("["), width + ": " + line);
            }
        }
        assertEquals("50%  12.3 MB/24.6 MB  3/7 files", ProgressBar.render(12_300_000, 12_300_000, 24_600_000, 3, 7, 2, 30));
    }
}
