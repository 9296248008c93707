package dev.medallion.common.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeReadingTest {
    /** Lambda starts the JVM with a heap of 85 % of the function's memory. */
    private static final long LAMBDA_HEAP_AT_3538_MB = 3538L * 1024 * 1024 * 85 / 100;
    private static final long LAMBDA_HEAP_AT_5307_MB = 5307L * 1024 * 1024 * 85 / 100;

    @Test
    void onLambdaOneReaderPerWholeVcpuOfTheMemoryAtMostTheProcessors() {
        assertEquals(1, readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "2048"), 2));
        assertEquals(1, readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"), 2));
        assertEquals(2, readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3538"), 2));
        assertEquals(2, readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "10240"), 2), "no more readers than processors");
        assertEquals(5, readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "10240"), 6));
    }

    @Test
    void outsideLambdaOnePerProcessorAtMostSix() {
        assertEquals(4, readers(Map.of(), 4));
        assertEquals(RangeReading.MAX_READERS, readers(Map.of(), 64));
    }

    @Test
    void noMoreReadersThanTheHeapHoldsOneStreamsWorth() {
        Environment lambda = new Environment(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3538"));
        // What Runtime.maxMemory() reports for -Xmx256m (serial collector) and -Xmx512m (parallel): 247.5 and 455.5 MiB.
        assertEquals(1, RangeReading.fromEnvironment(lambda, 2, 253_755_392L).readers());
        assertEquals(2, RangeReading.fromEnvironment(lambda, 2, 477_626_368L).readers());
        assertEquals(1, RangeReading.fromEnvironment(new Environment(Map.of()), 8, 100L << 20).readers(), "never fewer than one");
        assertEquals(4, RangeReading.fromEnvironment(new Environment(Map.of()), 4, LAMBDA_HEAP_AT_3538_MB).readers());
        // A number set is the operator's: taken as it is.
        assertEquals(2, RangeReading.fromEnvironment(new Environment(Map.of("RANGE_READERS", "2")), 2, 253_755_392L).readers());
    }

    @Test
    void aReaderCountSetIsTaken() {
        assertEquals(1, readers(Map.of("RANGE_READERS", "1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "10240"), 6));
        assertEquals(3, readers(Map.of("RANGE_READERS", "3"), 2));
    }

    @Test
    void aFileIsCutOnlyIntoRangesOfTheLeastSize() {
        RangeReading reading = new RangeReading(4, 64);
        assertEquals(1, reading.rangesFor(127));
        assertEquals(2, reading.rangesFor(128));
        assertEquals(4, reading.rangesFor(10_000));
        assertEquals(1, RangeReading.single().rangesFor(Long.MAX_VALUE));
    }

    @Test
    void byDefaultAFileOf100MbIsReadAsThreeRangesAtThreeVcpus() {
        // Lambda shows three processors from 3,009 to 5,307 MB, and gives three vCPUs of CPU time at 5,307 MB.
        RangeReading reading = RangeReading.fromEnvironment(new Environment(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "5307")), 3, LAMBDA_HEAP_AT_5307_MB);
        assertEquals(3, reading.readers());
        assertEquals(3, reading.rangesFor(100_000_000L));
        assertEquals(3, reading.rangesFor(72L * 1024 * 1024));
        assertEquals(2, reading.rangesFor(72L * 1024 * 1024 - 1), "a range of less than 24 MiB");
        assertEquals(1, reading.rangesFor(48L * 1024 * 1024 - 1));
    }

    @Test
    void atTwoVcpusAFileOf50MbIsReadAsTwoRanges() {
        RangeReading reading = RangeReading.fromEnvironment(new Environment(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3538")), 3, LAMBDA_HEAP_AT_3538_MB);
        assertEquals(2, reading.readers(), "two vCPUs of CPU time, though Lambda shows three processors");
        assertEquals(2, reading.rangesFor(100_000_000L));
        assertEquals(2, reading.rangesFor(48L * 1024 * 1024));
        assertEquals(1, reading.rangesFor(48L * 1024 * 1024 - 1));
    }

    @Test
    void wrongSettingsNameTheVariable() {
        ConfigurationException tooMany = assertThrows(ConfigurationException.class, () -> readers(Map.of("RANGE_READERS", "7"), 2));
        assertTrue(tooMany.getMessage().contains("RANGE_READERS must be between 1 and 6, got 7"), tooMany.getMessage());
        ConfigurationException memory = assertThrows(ConfigurationException.class, () -> readers(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots"), 2));
        assertTrue(memory.getMessage().contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), memory.getMessage());
        ConfigurationException minimum = assertThrows(ConfigurationException.class, () -> readers(Map.of("MIN_RANGE_BYTES", "0"), 2));
        assertTrue(minimum.getMessage().contains("MIN_RANGE_BYTES"), minimum.getMessage());
    }

    private static int readers(Map<String, String> variables, int processors) {
        return RangeReading.fromEnvironment(new Environment(variables), processors, 8L << 30).readers();
    }
}
