package dev.medallion.common.config;

/**
 * How many byte ranges of one large uncompressed file the converter reads and converts at once. Lambda
 * gives CPU in proportion to memory, one vCPU per 1,769 MB, so by default a function gets one reader per
 * whole vCPU its memory buys, and a local run one per processor; a file is split only when every range
 * would hold at least {@code minRangeBytes}. Each range holds what one stream holds, so by default there
 * are no more readers than the heap has room for: one stream at the limits ({@code MAX_ROW_CHARS},
 * {@code MAX_COLUMNS}) is measured to convert with {@code -Xmx256m} ({@code MemoryLimitsIT}), and two
 * ranges of rows at the limit there run out of memory.
 *
 * @param readers ranges converted at once; 1 converts every file as one stream
 * @param minRangeBytes the least bytes a range may hold: smaller files are read as one stream
 */
public record RangeReading(int readers, long minRangeBytes) {
    public static final String RANGE_READERS = "RANGE_READERS";
    public static final String MIN_RANGE_BYTES = "MIN_RANGE_BYTES";

    /** Set by Lambda: the function's memory in MB. */
    private static final String LAMBDA_MEMORY = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    /** Lambda's memory for one vCPU of CPU time. */
    public static final int MB_PER_VCPU = 1_769;
    /**
     * A file of 72 MiB (75 MB) or more is read as three ranges at three vCPUs, of 48 MiB (50 MB) or more as two:
     * one of 100 MB gains the third vCPU of the default 5,307 MB.
     */
    public static final long DEFAULT_MIN_RANGE_BYTES = 24L * 1024 * 1024;
    /** Lambda's largest memory, 10,240 MB, buys 5.8 vCPUs. */
    public static final int MAX_READERS = 6;
    /**
     * Heap per reader: what a JVM started with {@code -Xmx256m} reports as its most
     * ({@link Runtime#maxMemory()}: 245-256 MiB, as the collector counts its survivor space or not), less a margin.
     */
    public static final long HEAP_PER_READER = 224L * 1024 * 1024;

    public RangeReading {
        if (readers < 1 || readers > MAX_READERS) {
            throw new ConfigurationException(RANGE_READERS + " must be between 1 and " + MAX_READERS + ", got " + readers);
        }
        if (minRangeBytes < 1) {
            throw new ConfigurationException(MIN_RANGE_BYTES + " must be positive, got " + minRangeBytes);
        }
    }

    /** One stream per file: what a converter does unless told otherwise. */
    public static RangeReading single() {
        return new RangeReading(1, DEFAULT_MIN_RANGE_BYTES);
    }

    /** {@link #fromEnvironment(Environment, int, long)} with this JVM's processors and heap. */
    public static RangeReading fromEnvironment(Environment environment) {
        return fromEnvironment(environment, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
    }

    /**
     * {@code RANGE_READERS} when set; else one per whole vCPU of the Lambda function's memory
     * ({@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}), or one per processor outside Lambda; at most the
     * processors the JVM sees, and one per {@link #HEAP_PER_READER} of its heap.
     */
    public static RangeReading fromEnvironment(Environment environment, int processors, long maxHeapBytes) {
        int readers;
        if (environment.optional(RANGE_READERS).isPresent()) {
            readers = environment.positiveInt(RANGE_READERS, 1);
        }
        else {
            int byMemory = environment.optional(LAMBDA_MEMORY).isPresent()
                    ? Math.max(1, environment.positiveInt(LAMBDA_MEMORY, MB_PER_VCPU) / MB_PER_VCPU)
                    : processors;
            long byHeap = maxHeapBytes / HEAP_PER_READER;
            readers = (int) Math.max(1, Math.min(Math.min(Math.min(byMemory, processors), byHeap), MAX_READERS));
        }
        return new RangeReading(readers, environment.positiveLong(MIN_RANGE_BYTES, DEFAULT_MIN_RANGE_BYTES));
    }

    /** How many ranges a file of {@code size} bytes is read as: 1 when it is read as one stream. */
    public int rangesFor(long size) {
        long ranges = Math.min(readers, size / minRangeBytes);
        return (int) Math.max(1, ranges);
    }
}
