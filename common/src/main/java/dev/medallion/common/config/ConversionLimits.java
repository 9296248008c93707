package dev.medallion.common.config;

/**
 * The tunables that bound the converter's memory and shape its output, and the limits on what one file
 * may hold so that memory stays bounded whatever it holds.
 *
 * @param chunkRows rows converted and written together
 * @param chunkMaxBytes estimated heap a chunk may hold before it is written early (wide or long rows)
 * @param partTargetBytes Parquet file size at which the next part file is started
 * @param rowGroupBytes Parquet row group size; parquet-java buffers one row group per open file
 * @param maxColumns the most fields a file's header may hold; a wider file is rejected
 * @param maxRowChars the most characters one row may hold, its values and the delimiters between them
 *     (quotes and the line break are not counted); a file with a longer row is rejected
 */
public record ConversionLimits(int chunkRows, long chunkMaxBytes, long partTargetBytes, long rowGroupBytes, int maxColumns, int maxRowChars) {
    public static final String CHUNK_ROWS = "CHUNK_ROWS";
    public static final String CHUNK_MAX_BYTES = "CHUNK_MAX_BYTES";
    public static final String PART_TARGET_BYTES = "PART_TARGET_BYTES";
    public static final String ROW_GROUP_BYTES = "ROW_GROUP_BYTES";
    public static final String MAX_COLUMNS = "MAX_COLUMNS";
    public static final String MAX_ROW_CHARS = "MAX_ROW_CHARS";

    private static final long MIB = 1024 * 1024;
    /** Measured to convert at the limit with {@code -Xmx256m} (MemoryLimitsIT). */
    public static final int DEFAULT_MAX_COLUMNS = 10_000;
    /** Measured to convert at the limit with {@code -Xmx256m} (MemoryLimitsIT): 4 Mi characters. */
    public static final int DEFAULT_MAX_ROW_CHARS = 4 * 1024 * 1024;

    public ConversionLimits {
        if (chunkRows < 1 || chunkMaxBytes < 1 || partTargetBytes < 1 || rowGroupBytes < 1 || maxColumns < 1 || maxRowChars < 1) {
            throw new IllegalArgumentException("Conversion limits must be positive");
        }
    }

    /** The tunables given, the limits on a file's columns and rows at their defaults. */
    public ConversionLimits(int chunkRows, long chunkMaxBytes, long partTargetBytes, long rowGroupBytes) {
        this(chunkRows, chunkMaxBytes, partTargetBytes, rowGroupBytes, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROW_CHARS);
    }

    public static ConversionLimits defaults() {
        return new ConversionLimits(100_000, 8 * MIB, 128 * MIB, 32 * MIB);
    }

    public ConversionLimits withMaxColumns(int columns) {
        return new ConversionLimits(chunkRows, chunkMaxBytes, partTargetBytes, rowGroupBytes, columns, maxRowChars);
    }

    public ConversionLimits withMaxRowChars(int characters) {
        return new ConversionLimits(chunkRows, chunkMaxBytes, partTargetBytes, rowGroupBytes, maxColumns, characters);
    }

    public static ConversionLimits fromEnvironment(Environment environment) {
        ConversionLimits defaults = defaults();
        return new ConversionLimits(
                environment.positiveInt(CHUNK_ROWS, defaults.chunkRows()),
                environment.positiveLong(CHUNK_MAX_BYTES, defaults.chunkMaxBytes()),
                environment.positiveLong(PART_TARGET_BYTES, defaults.partTargetBytes()),
                environment.positiveLong(ROW_GROUP_BYTES, defaults.rowGroupBytes()),
                environment.positiveInt(MAX_COLUMNS, defaults.maxColumns()),
                environment.positiveInt(MAX_ROW_CHARS, defaults.maxRowChars()));
    }
}
