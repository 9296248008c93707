package dev.medallion.silver.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.internal.column.columnindex.BinaryTruncator;
import org.apache.parquet.io.api.Binary;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Truncates the min and max of each page's statistics of a text column to a few bytes before parquet-java
 * sees them. parquet-java keeps the min and max of every column chunk of a file, as the values themselves,
 * until it writes the footer; it truncates them only then. A file with values of megabytes would hold two
 * such values per row group and column until it is closed. Truncated bounds stay valid bounds (a prefix
 * for the min, a prefix incremented for the max), which is what parquet-java writes in the footer anyway.
 */
final class TruncatingPageWriteStore implements PageWriteStore {
    private final PageWriteStore pages;
    private final int length;

    TruncatingPageWriteStore(PageWriteStore pages, int length) {
        this.pages = requireNonNull(pages, "pages is null");
        this.length = length;
    }

    @Override
    public PageWriter getPageWriter(ColumnDescriptor column) {
        PageWriter writer = pages.getPageWriter(column);
        if (column.getPrimitiveType().getPrimitiveTypeName() != org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY) {
            return writer;
        }
        return new Truncating(writer, BinaryTruncator.getTruncator(column.getPrimitiveType()), length);
    }

    @Override
    public void close() {
        pages.close();
    }

    private static final class Truncating implements PageWriter {
        private final PageWriter pages;
        private final BinaryTruncator truncator;
        private final int length;

        Truncating(PageWriter pages, BinaryTruncator truncator, int length) {
            this.pages = pages;
            this.truncator = truncator;
            this.length = length;
        }

        private Statistics<?> truncate(Statistics<?> statistics) {
            if (statistics instanceof BinaryStatistics binary && binary.hasNonNullValue()) {
                Binary min = binary.genericGetMin();
                Binary max = binary.genericGetMax();
                if (min.length() > length || max.length() > length) {
                    binary.setMinMax(truncator.truncateMin(min, length), truncator.truncateMax(max, length));
                }
            }
            return statistics;
        }

        @Override
        @Deprecated
        public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rl, Encoding dl, Encoding values)
                throws IOException {
            pages.writePage(bytes, valueCount, truncate(statistics), rl, dl, values);
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, Encoding rl, Encoding dl,
                Encoding values) throws IOException {
            pages.writePage(bytes, valueCount, rowCount, truncate(statistics), rl, dl, values);
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, SizeStatistics sizeStatistics,
                Encoding rl, Encoding dl, Encoding values) throws IOException {
            pages.writePage(bytes, valueCount, rowCount, truncate(statistics), sizeStatistics, rl, dl, values);
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, SizeStatistics sizeStatistics,
                GeospatialStatistics geospatialStatistics, Encoding rl, Encoding dl, Encoding values) throws IOException {
            pages.writePage(bytes, valueCount, rowCount, truncate(statistics), sizeStatistics, geospatialStatistics, rl, dl, values);
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
                Encoding dataEncoding, BytesInput data, Statistics<?> statistics) throws IOException {
            pages.writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data, truncate(statistics));
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
                Encoding dataEncoding, BytesInput data, Statistics<?> statistics, SizeStatistics sizeStatistics) throws IOException {
            pages.writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data, truncate(statistics),
                    sizeStatistics);
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
                Encoding dataEncoding, BytesInput data, Statistics<?> statistics, SizeStatistics sizeStatistics,
                GeospatialStatistics geospatialStatistics) throws IOException {
            pages.writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data, truncate(statistics),
                    sizeStatistics, geospatialStatistics);
        }

        @Override
        public long getMemSize() {
            return pages.getMemSize();
        }

        @Override
        public long allocatedSize() {
            return pages.allocatedSize();
        }

        @Override
        public void writeDictionaryPage(DictionaryPage dictionaryPage) throws IOException {
            pages.writeDictionaryPage(dictionaryPage);
        }

        @Override
        public String memUsageString(String prefix) {
            return pages.memUsageString(prefix);
        }

        @Override
        public void close() {
            pages.close();
        }
    }
}
