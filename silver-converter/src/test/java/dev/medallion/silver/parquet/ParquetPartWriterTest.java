package dev.medallion.silver.parquet;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.PrimitiveComparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetPartWriterTest {
    private static final SchemaContract CONTRACT = new SchemaContract("notes", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("text", ColumnType.STRING, "text")), "notes/a.csv", "2026-01-01T00:00:00Z");
    private static final int[] FIELDS = {0, 1};

    @TempDir
    Path directory;

    @Test
    void statisticsKeepAFewBytesOfHugeValuesWhichAreWrittenWhole() throws IOException {
        String huge = "b".repeat(1_000_000) + "end";
        ParquetPartWriter part = part(32L << 20);
        RowBatch batch = new RowBatch(CONTRACT);
        assertNull(batch.append(List.of("1", "a" + huge)::get, FIELDS));
        assertNull(batch.append(List.of("2", "c" + huge)::get, FIELDS));
        part.write(batch);
        part.finish();
        part.upload().publish();

        ColumnChunkMetaData text = ParquetTestFiles.rowGroups(file()).get(0).getColumns().get(1);
        Statistics<?> statistics = text.getStatistics();
        assertTrue(statistics.getMinBytes().length <= ParquetPartWriter.STATISTICS_LENGTH, "min of " + statistics.getMinBytes().length + " bytes");
        assertTrue(statistics.getMaxBytes().length <= ParquetPartWriter.STATISTICS_LENGTH, "max of " + statistics.getMaxBytes().length + " bytes");
        assertTrue(statistics.minAsString().startsWith("abbb") && statistics.maxAsString().startsWith("c"), "still bounds: " + statistics);
        // Bounds as readers compare them (UTF-8 bytes, unsigned): a plain prefix of the max would be below it,
        // and a reader pruning on "text >= that value" would skip the row group holding it.
        PrimitiveComparator<Binary> bytes = PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
        assertTrue(bytes.compare(Binary.fromConstantByteArray(statistics.getMinBytes()), Binary.fromString("a" + huge)) <= 0, "min is a lower bound");
        assertTrue(bytes.compare(Binary.fromConstantByteArray(statistics.getMaxBytes()), Binary.fromString("c" + huge)) >= 0, "max is an upper bound");
        List<GenericRecord> rows = ParquetTestFiles.readAll(file());
        assertEquals("a" + huge, rows.get(0).get("text").toString());
        assertEquals("c" + huge, rows.get(1).get("text").toString());
    }

    @Test
    void aPageEndsAtThePageSizeWhateverTheRowsBeforeIt() throws IOException {
        // Text written plain, as for distinct values, so that its pages hold the values themselves.
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(CONTRACT),
                32L << 20, Set.of("text"));
        part.write(batch(1000, "small"));
        RowBatch large = new RowBatch(CONTRACT);
        for (int i = 0; i < 10; i++) {
            assertNull(large.append(List.of(String.valueOf(i), i + "x".repeat(300_000))::get, FIELDS));
        }
        part.write(large);
        part.finish();
        part.upload().publish();

        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file()))) {
            ColumnChunkMetaData text = reader.getFooter().getBlocks().get(0).getColumns().get(1);
            OffsetIndex pages = reader.readOffsetIndex(text);
            List<Long> rowsPerPage = new ArrayList<>();
            for (int p = 0; p < pages.getPageCount(); p++) {
                rowsPerPage.add(pages.getLastRowIndex(p, text.getValueCount()) - pages.getFirstRowIndex(p) + 1);
            }
            // 1 MiB pages: the small rows' page ends at the fourth large row, each next page after four more (a page
            // holds its size plus the value that reached it), not after the chunk of large rows.
            assertEquals(List.of(1004L, 4L, 2L), rowsPerPage);
        }
        assertEquals(1010, ParquetTestFiles.readAll(file()).size());
    }

    @Test
    void aWidePartIsFullAfterAFewRowGroups() throws IOException {
        List<Column> columns = new ArrayList<>();
        int[] fields = new int[4096];
        for (int c = 0; c < fields.length; c++) {
            columns.add(new Column("c" + c, ColumnType.BIGINT, "c" + c));
            fields[c] = c;
        }
        SchemaContract wide = new SchemaContract("wide", columns, "wide/a.csv", "2026-01-01T00:00:00Z");
        // A row group per chunk: 16 MiB of footer metadata at about 1 KiB per column chunk is 4 of them.
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(wide), 1,
                Set.of());
        RowBatch batch = new RowBatch(wide);
        for (int group = 1; group <= 4; group++) {
            assertFalse(part.footerFull(), "after " + (group - 1) + " row groups");
            batch.clear(Long.MAX_VALUE);
            assertNull(batch.append(c -> String.valueOf(c), fields));
            part.write(batch);
        }
        assertTrue(part.footerFull());
        part.finish();
        part.upload().publish();
        assertEquals(4, ParquetTestFiles.rowGroups(file()).size());
    }

    @Test
    void aNarrowPartIsNeverFullForItsFooter() throws IOException {
        ParquetPartWriter part = part(1);
        for (int group = 0; group < 200; group++) {
            part.write(batch(1, "row group " + group));
        }
        assertFalse(part.footerFull());
        assertEquals(200, part.rowGroups());
        part.finish();
        part.upload().publish();
    }

    /**
     * A zero bound of a double column is written so that it holds whichever way a reader compares zeros: a zero
     * minimum as -0.0, a zero maximum as +0.0 (the Parquet format's rule for the type-defined order). A maximum
     * of -0.0 (parquet-java 1.18's default order) would make a reader comparing numbers skip {@code d >= 0}.
     */
    @Test
    void aDoubleColumnsZeroBoundsHoldForReadersThatDoNotTellTheZerosApart() throws IOException {
        SchemaContract doubles = new SchemaContract("zeros", List.of(new Column("d", ColumnType.DOUBLE, "d")), "zeros/a.csv", "2026-01-01T00:00:00Z");
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(doubles),
                1, Set.of());
        RowBatch batch = new RowBatch(doubles);
        for (List<String> rowGroup : List.of(List.of("-1.5", "-0.0", "-0"), List.of("0", "1.5", "0.0"))) {
            batch.clear(Long.MAX_VALUE);
            for (String value : rowGroup) {
                assertNull(batch.append(List.of(value)::get, new int[] {0}));
            }
            part.write(batch);
        }
        part.finish();
        part.upload().publish();

        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file()))) {
            assertEquals(ColumnOrder.typeDefined(), reader.getFileMetaData().getSchema().getType("d").asPrimitiveType().columnOrder());
            List<BlockMetaData> rowGroups = reader.getFooter().getBlocks();
            assertEquals(2, rowGroups.size());
            ColumnChunkMetaData negative = rowGroups.get(0).getColumns().get(0);
            ColumnChunkMetaData positive = rowGroups.get(1).getColumns().get(0);
            assertBits(+0.0, (Double) negative.getStatistics().genericGetMax(), "the maximum of {-1.5, -0.0}");
            assertBits(-0.0, (Double) positive.getStatistics().genericGetMin(), "the minimum of {0, 1.5}");
            assertBits(+0.0, reader.readColumnIndex(negative).getMaxValues().get(0).order(ByteOrder.LITTLE_ENDIAN).getDouble(0),
                    "the page maximum of {-1.5, -0.0}");
            assertBits(-0.0, reader.readColumnIndex(positive).getMinValues().get(0).order(ByteOrder.LITTLE_ENDIAN).getDouble(0),
                    "the page minimum of {0, 1.5}");
        }
        List<GenericRecord> rows = ParquetTestFiles.readAll(file());
        assertBits(-0.0, (Double) rows.get(1).get("d"), "the value itself is kept as written");
    }

    private static void assertBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), what + ": " + actual);
    }

    private ParquetPartWriter part(long rowGroupBytes) throws IOException {
        return new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(CONTRACT), rowGroupBytes, Set.of());
    }

    private Path file() {
        return directory.resolve("part.parquet");
    }

    private static RowBatch batch(int rows, String text) {
        RowBatch batch = new RowBatch(CONTRACT);
        for (int i = 0; i < rows; i++) {
            assertNull(batch.append(List.of(String.valueOf(i), text)::get, FIELDS));
        }
        return batch;
    }
}
