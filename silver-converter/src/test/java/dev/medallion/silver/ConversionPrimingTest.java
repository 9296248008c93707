package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversionPrimingTest {
    @Test
    void convertsEveryRowOfEachFileAndLeavesNothingBehind(@TempDir Path temporary, @TempDir Path ownTemporaryDirectory) throws IOException {
        ConversionPriming priming = new ConversionPriming(ConversionLimits.defaults(), ConversionPriming.DEFAULT_FILES, Optional.of(temporary));

        // Not even the lock file of its conditional writes, which a local store keeps outside its lake, by default
        // in <java.io.tmpdir>/medallion-locks: for this run that is a directory of the test's own, which no other
        // process writes to (comparing the machine's shared one before and after failed when other builds wrote there).
        String sharedTemporaryDirectory = System.getProperty("java.io.tmpdir");
        ConversionPriming.Result result;
        System.setProperty("java.io.tmpdir", ownTemporaryDirectory.toString());
        try {
            result = priming.prime();
        }
        finally {
            System.setProperty("java.io.tmpdir", sharedTemporaryDirectory);
        }

        assertFalse(Files.exists(ownTemporaryDirectory.resolve("medallion-locks")), "a lock directory in java.io.tmpdir: " + entries(ownTemporaryDirectory));
        long rows = ConversionPriming.DEFAULT_FILES.stream().mapToLong(Integer::longValue).sum();
        assertEquals(ConversionPriming.DEFAULT_FILES.size(), result.files());
        assertEquals(rows, result.rowsRead());
        assertEquals(rows, result.rowsWritten());
        assertEquals(ConversionPriming.DEFAULT_FILES.size(), result.parts());
        assertEquals(List.of(), entries(temporary));
        // Nor a thread: the snapshot taken after priming would hold it, and every restored environment with it.
        assertEquals(List.of(), ConverterThreads.live());
    }

    @Test
    void primingTwiceWorks(@TempDir Path temporary) throws IOException {
        // A second run in the same process (the same snapshot primed again) starts from an empty store.
        ConversionPriming priming = new ConversionPriming(ConversionLimits.defaults(), List.of(100, 50), Optional.of(temporary));
        priming.prime();
        ConversionPriming.Result again = priming.prime();
        assertEquals(2, again.files());
        assertEquals(150, again.rowsWritten());
        assertEquals(List.of(), entries(temporary));
    }

    @Test
    void aConversionThatConvertsNothingFailsThePrimingAndStillCleansUp(@TempDir Path temporary) throws IOException {
        // The retail CSV has 13 columns: a limit of 2 rejects the file.
        ConversionPriming priming = new ConversionPriming(ConversionLimits.defaults().withMaxColumns(2), List.of(100), Optional.of(temporary));

        IOException failure = assertThrows(IOException.class, priming::prime);

        assertTrue(failure.getMessage().contains("priming/retail-1.csv did not convert its 100 rows: status rejected"), failure.getMessage());
        assertEquals(List.of(), entries(temporary));
    }

    @Test
    void refusesNoFilesAndFilesWithoutRows() {
        assertThrows(IllegalArgumentException.class, () -> new ConversionPriming(ConversionLimits.defaults(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ConversionPriming(ConversionLimits.defaults(), List.of(100, 0)));
        assertThrows(IllegalArgumentException.class, () -> new ConversionPriming(ConversionLimits.defaults(), List.of(-1)));
    }

    private static List<Path> entries(Path directory) throws IOException {
        try (Stream<Path> paths = Files.list(directory)) {
            return paths.toList();
        }
    }
}
