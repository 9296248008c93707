package dev.medallion.common.config;

/**
 * The tunables that bound the converter's memory and shape its output.
 *
 * @param chunkRows rows converted and written together
 * @param chunkMaxBytes estimated heap a chunk may hold before it is written early (wide or long rows)
 * @param partTargetBytes Parquet file size at which the next part file is started
 * @param rowGroupBytes Parquet row group size; parquet-java buffers one row group per open file
 */
public record ConversionLimits(int chunkRows, long chunkMaxBytes, long partTargetBytes, long rowGroupBytes) {
    public static final String CHUNK_ROWS = "CHUNK_ROWS";
    public static final String CHUNK_MAX_BYTES = "CHUNK_MAX_BYTES";
    public static final String PART_TARGET_BYTES = "PART_TARGET_BYTES";
    public static final String ROW_GROUP_BYTES = "ROW_GROUP_BYTES";

    private static final long MIB = 1024 * 1024;

    public ConversionLimits {
        if (chunkRows < 1 || chunkMaxBytes < 1 || partTargetBytes < 1 || rowGroupBytes < 1) {
            throw new IllegalArgumentException("Conversion limits must be positive");
        }
    }

    public static ConversionLimits defaults() {
        return new ConversionLimits(100_000, 8 * MIB, 128 * MIB, 32 * MIB);
    }

    public static ConversionLimits fromEnvironment(Environment environment) {
        ConversionLimits defaults = defaults();
        return new ConversionLimits(
                environment.positiveInt(CHUNK_ROWS, defaults.chunkRows()),
                environment.positiveLong(CHUNK_MAX_BYTES, defaults.chunkMaxBytes()),
                environment.positiveLong(PART_TARGET_BYTES, defaults.partTargetBytes()),
                environment.positiveLong(ROW_GROUP_BYTES, defaults.rowGroupBytes()));
    }
}
