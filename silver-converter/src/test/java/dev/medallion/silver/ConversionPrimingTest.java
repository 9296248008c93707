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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversionPrimingTest {
    @Test
    void convertsEveryRowOfEachFileAndLeavesNothingBehind(@TempDir Path temporary) throws IOException {
        ConversionPriming priming = new ConversionPriming(ConversionLimits.defaults(), ConversionPriming.DEFAULT_FILES, Optional.of(temporary));

        Path sharedLocks = Path.of(System.getProperty("java.io.tmpdir"), "medallion-locks");
        List<Path> locksBefore = Files.isDirectory(sharedLocks) ? entries(sharedLocks) : List.of();

        ConversionPriming.Result result = priming.prime();

        // Not even the lock file of its conditional writes, which a local store keeps outside its lake.
        List<Path> newLocks = new java.util.ArrayList<>(Files.isDirectory(sharedLocks) ? entries(sharedLocks) : List.of());
        newLocks.removeAll(locksBefore);
        assertEquals(List.of(), newLocks);
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
