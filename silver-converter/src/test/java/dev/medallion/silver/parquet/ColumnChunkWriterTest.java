package dev.medallion.silver.parquet;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ColumnChunkWriter} against parquet-java's own column writers, which the part writer used before:
 * the same rows written both ways, then both files read back with parquet-java's reader and compared
 * value by value, and their footers column chunk by column chunk (encodings, statistics, value counts).
 */
class ColumnChunkWriterTest {
    private static final SchemaContract CONTRACT = new SchemaContract("mixed", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("amount", ColumnType.DOUBLE, "amount"),
            new Column("day", ColumnType.DATE, "day"),
            new Column("at", ColumnType.TIMESTAMP, "at"),
            new Column("flag", ColumnType.BOOLEAN, "flag"),
            new Column("region", ColumnType.STRING, "region"),
            new Column("note", ColumnType.STRING, "note"),
            new Column("code", ColumnType.STRING, "code"),
            new Column("big", ColumnType.STRING, "big"),
            new Column("empty", ColumnType.STRING, "empty")), "mixed/a.csv", "2026-01-01T00:00:00Z");
    private static final int[] FIELDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final String[] AMOUNTS = {"1.5", "-0.0", "0.0", "", "123456.789", "-3", "2.5e-300", "1e308"};
    private static final String[] REGIONS = {"North", "Süd", "東京", "", "West", "West"};

    @TempDir
    Path directory;

    @Test
    void valuesEncodingsAndStatisticsAreThoseOfParquetJavasColumnWriters() throws IOException {
        List<RowBatch> batches = List.of(batch(0, 30_000), batch(30_000, 30_001), batch(60_001, 7));
        // The id column plain, as the converter decides for a column of distinct values; the rest dictionary-encoded.
        Set<String> plain = Set.of("id");
        Map<String, Set<Encoding>> encodings = compareWithParquetJava(CONTRACT, plain, batches, 60_008);
        // What the rows were made to exercise: a dictionary that pays, one that does not on the first
        // page (distinct codes: plain from the start), one that outgrows its page size (big: plain after).
        assertTrue(encodings.get("region").contains(Encoding.PLAIN_DICTIONARY) && !encodings.get("region").contains(Encoding.PLAIN));
        assertTrue(encodings.get("code").contains(Encoding.PLAIN) && !encodings.get("code").contains(Encoding.PLAIN_DICTIONARY));
        assertTrue(encodings.get("big").containsAll(Set.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY)), "big: " + encodings.get("big"));
    }

    /**
     * Writes the batches with the part writer and with parquet-java's column writers, compares the two files
     * value by value and column chunk by column chunk, and returns each column's encodings.
     */
    private Map<String, Set<Encoding>> compareWithParquetJava(SchemaContract contract, Set<String> plain, List<RowBatch> batches, int rowCount)
            throws IOException {
        MessageType schema = ParquetSchemas.messageType(contract);
        Path written = directory.resolve(contract.dataset() + "-new.parquet");
        Path reference = directory.resolve(contract.dataset() + "-reference.parquet");
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), written.getFileName().toString(), schema, 64L << 20, plain);
        for (RowBatch batch : batches) {
            part.write(batch);
        }
        part.finish();
        part.upload().publish();
        writeWithParquetJava(reference, schema, plain, batches);

        List<GenericRecord> rows = ParquetTestFiles.readAll(written);
        List<GenericRecord> expected = ParquetTestFiles.readAll(reference);
        assertEquals(rowCount, rows.size());
        assertEquals(rowCount, expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).toString(), rows.get(i).toString(), "row " + i);
        }
        Map<String, Set<Encoding>> encodings = new java.util.HashMap<>();
        try (ParquetFileReader ours = ParquetFileReader.open(new LocalInputFile(written));
                ParquetFileReader theirs = ParquetFileReader.open(new LocalInputFile(reference))) {
            List<BlockMetaData> groups = ours.getFooter().getBlocks();
            assertEquals(1, groups.size());
            assertEquals(1, theirs.getFooter().getBlocks().size());
            for (int c = 0; c < schema.getColumns().size(); c++) {
                ColumnChunkMetaData chunk = groups.get(0).getColumns().get(c);
                ColumnChunkMetaData expectedChunk = theirs.getFooter().getBlocks().get(0).getColumns().get(c);
                String name = chunk.getPath().toDotString();
                if (chunk.getPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                    // parquet-java's PARQUET_1_0 writer never dictionary-encodes a FIXED_LEN_BYTE_ARRAY (DefaultV1ValuesWriterFactory), where
                    // ours decides as for other columns: the caller checks ours.
                    assertEquals(Set.of(Encoding.BIT_PACKED, Encoding.RLE, Encoding.PLAIN), expectedChunk.getEncodings(), name + ": parquet-java's encodings");
                }
                else {
                    assertEquals(expectedChunk.getEncodings(), chunk.getEncodings(), name + ": encodings");
                }
                assertEquals(expectedChunk.getStatistics(), chunk.getStatistics(), name + ": statistics");
                assertEquals(expectedChunk.getValueCount(), chunk.getValueCount(), name + ": values");
                assertEquals(CompressionCodecName.SNAPPY, chunk.getCodec());

                // Every page is in the column and offset indexes, and the pages' nulls add up to the chunk's.
                ColumnIndex index = ours.readColumnIndex(chunk);
                OffsetIndex offsets = ours.readOffsetIndex(chunk);
                assertNotNull(index, name + ": column index");
                assertEquals(offsets.getPageCount(), index.getNullCounts().size(), name);
                assertEquals(chunk.getStatistics().getNumNulls(), index.getNullCounts().stream().mapToLong(Long::longValue).sum(), name);
                for (int p = 0; p < offsets.getPageCount(); p++) {
                    assertTrue(offsets.getLastRowIndex(p, chunk.getValueCount()) - offsets.getFirstRowIndex(p) + 1 <= 20_000, name + ": page rows");
                }
                encodings.put(name, chunk.getEncodings());
            }
        }
        return encodings;
    }

    @Test
    void aNumberDictionaryThatOutgrowsItsPageSizeGoesOnPlainAsParquetJavasDoes() throws IOException {
        // 20,000 rows of 100 keys (the dictionary pays on the first page), then keys all distinct: past
        // 131,072 entries of 8 bytes the dictionary is full, and the rest of the chunk is plain.
        SchemaContract keys = new SchemaContract("keys", List.of(
                new Column("key", ColumnType.BIGINT, "key"),
                new Column("price", ColumnType.DOUBLE, "price")), "keys/a.csv", "2026-01-01T00:00:00Z");
        List<RowBatch> batches = new ArrayList<>();
        for (int first = 0; first < 160_000; first += 40_000) {
            RowBatch batch = new RowBatch(keys);
            for (int row = first; row < first + 40_000; row++) {
                long key = row < 20_000 ? row % 100 : row;
                assertNull(batch.append(List.of(String.valueOf(key), row % 9 == 0 ? "" : (key % 1000) / 4.0 + "")::get, new int[] {0, 1}));
            }
            batches.add(batch);
        }
        Map<String, Set<Encoding>> encodings = compareWithParquetJava(keys, Set.of(), batches, 160_000);
        assertTrue(encodings.get("key").containsAll(Set.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY)), "key: " + encodings.get("key"));
        assertTrue(encodings.get("price").contains(Encoding.PLAIN_DICTIONARY) && !encodings.get("price").contains(Encoding.PLAIN));
    }

    /**
     * Decimals as FIXED_LEN_BYTE_ARRAY, INT64 and INT32: values from few (the dictionary pays) to all distinct past the dictionary page
     * size (16-byte entries: it fills up, and the chunk goes on plain), negatives among them, so that the values and statistics,
     * compared as parquet-java compares a DECIMAL's bytes (signed), are checked against its writers'. parquet-java writes a
     * FIXED_LEN_BYTE_ARRAY plain only, in the format version the converter writes; ours is dictionary-encoded while that pays, as
     * its other columns are, and as pyarrow writes such a column.
     */
    @Test
    void decimalsAreThoseOfParquetJavasColumnWriters() throws IOException {
        SchemaContract decimals = new SchemaContract("decimals", List.of(
                new Column("wide", ColumnType.decimal(38, 6), "wide"),
                new Column("money", ColumnType.decimal(19, 4), "money"),
                new Column("distinct_wide", ColumnType.decimal(30, 0), "distinct_wide"),
                new Column("short", ColumnType.decimal(18, 2), "short"),
                new Column("cents", ColumnType.decimal(9, 2), "cents"),
                new Column("distinct_cents", ColumnType.decimal(9, 0), "distinct_cents")), "decimals/a.csv", "2026-01-01T00:00:00Z");
        List<RowBatch> batches = new ArrayList<>();
        for (int first = 0; first < 160_000; first += 40_000) {
            RowBatch batch = new RowBatch(decimals);
            for (int row = first; row < first + 40_000; row++) {
                long key = row < 20_000 ? row % 100 : row;
                List<String> fields = List.of(
                        row % 7 == 0 ? "" : (key % 2 == 0 ? "-" : "") + (key + 1) + "12345678901234567890123456." + (key % 1000),
                        (row % 5 == 0 ? "-" : "") + (key % 50) + ".0001",
                        row % 11 == 0 ? "" : (row % 3 == 0 ? "-" : "") + "9".repeat(10) + row,
                        (row % 2 == 0 ? "-" : "") + (key % 300) + ".25",
                        row % 13 == 0 ? "" : (row % 4 == 0 ? "-" : "") + (key % 1000) + ".99",
                        (row % 3 == 0 ? "-" : "") + (999_999_999 - row));
                assertNull(batch.append(fields::get, new int[] {0, 1, 2, 3, 4, 5}), fields.toString());
            }
            batches.add(batch);
        }
        Map<String, Set<Encoding>> encodings = compareWithParquetJava(decimals, Set.of(), batches, 160_000);
        assertTrue(encodings.get("wide").containsAll(Set.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY)), "wide: " + encodings.get("wide"));
        assertTrue(encodings.get("money").contains(Encoding.PLAIN_DICTIONARY) && !encodings.get("money").contains(Encoding.PLAIN));
        assertTrue(encodings.get("distinct_wide").contains(Encoding.PLAIN) && !encodings.get("distinct_wide").contains(Encoding.PLAIN_DICTIONARY),
                "distinct_wide: " + encodings.get("distinct_wide"));
        // Nine digits or fewer are INT32, dictionary-encoded while that pays, as a date column is.
        MessageType schema = ParquetSchemas.messageType(decimals);
        assertEquals(PrimitiveType.PrimitiveTypeName.INT32, schema.getType("cents").asPrimitiveType().getPrimitiveTypeName());
        assertEquals(PrimitiveType.PrimitiveTypeName.INT32, schema.getType("distinct_cents").asPrimitiveType().getPrimitiveTypeName());
        assertTrue(encodings.get("cents").contains(Encoding.PLAIN_DICTIONARY) && !encodings.get("cents").contains(Encoding.PLAIN), "cents: " + encodings.get("cents"));
        assertTrue(encodings.get("distinct_cents").contains(Encoding.PLAIN) && !encodings.get("distinct_cents").contains(Encoding.PLAIN_DICTIONARY),
                "distinct_cents: " + encodings.get("distinct_cents"));
    }

    @Test
    void aPageOfAHugeValueLeavesNoHugeBufferBehind() throws IOException {
        SchemaContract notes = new SchemaContract("notes", List.of(new Column("text", ColumnType.STRING, "text")), "notes/a.csv",
                "2026-01-01T00:00:00Z");
        MessageType schema = ParquetSchemas.messageType(notes);
        ColumnDescriptor column = schema.getColumns().get(0);
        ColumnChunkPageWriteStore pages = ColumnChunkPageWriteStore.builder()
                .withSchema(schema)
                .withCompressorProvider(c -> new SnappyCodecFactory().getCompressor(CompressionCodecName.SNAPPY))
                .withAllocator(new HeapByteBufferAllocator())
                .build();
        PageWriter pageWriter = pages.getPageWriter(column);
        ColumnChunkWriter writer = ColumnChunkWriter.of(column, pageWriter, false, 1024 * 1024, 20_000, 1024 * 1024);
        RowBatch batch = new RowBatch(notes);
        // 5 MB of text that compresses to little: the page holding it is written at once, and its buffer must go.
        assertNull(batch.append(List.of("abc".repeat(5_000_000 / 3))::get, new int[] {0}));
        for (int i = 0; i < 10; i++) {
            assertNull(batch.append(List.of("small " + i)::get, new int[] {0}));
        }
        batch.vectors()[0].writeTo(writer, 0, batch.size());

        long compressed = pageWriter.getMemSize();
        assertTrue(compressed < 1024 * 1024, "the page compresses: " + compressed);
        assertTrue(writer.bufferedSize() - compressed < 1024, "counted besides the written page: " + (writer.bufferedSize() - compressed));
        int held = ((ColumnChunkWriter.Text) writer).pageBufferBytes();
        assertTrue(held < 1024, "held for the open page of ten small values: " + held);
        writer.finish();
        pages.close();
    }

    /** Rows {@code first} to {@code first + count}: nulls here and there, pages of nulls only, values of every kind. */
    private static RowBatch batch(int first, int count) {
        RowBatch batch = new RowBatch(CONTRACT);
        for (int row = first; row < first + count; row++) {
            String big = row < 20_000 ? "repeated " + (row % 100) + "x".repeat(100) : "distinct " + row + "y".repeat(100);
            List<String> fields = List.of(
                    String.valueOf(row * 7L - 1_000_000_000_000L),
                    AMOUNTS[row % AMOUNTS.length],
                    row % 13 == 0 ? "" : "2026-0" + (1 + row % 9) + "-1" + (row % 10),
                    row % 17 == 0 ? "" : "2026-12-01T10:" + String.format("%02d", row % 60) + ":00Z",
                    row % 11 == 0 ? "" : (row % 3 == 0 ? "true" : "false"),
                    REGIONS[row % REGIONS.length],
                    row >= 25_000 && row < 45_000 ? "" : row % 20 == 0 ? "note " + (row % 7) : "",
                    "code-" + row,
                    big,
                    "");
            assertNull(batch.append(fields::get, FIELDS), "row " + row);
        }
        return batch;
    }

    /** The big-endian two's complement bytes of {@code value}, {@code length} of them: BigInteger's fewest, the sign repeated before them. */
    private static byte[] twosComplement(BigInteger value, int length) {
        byte[] fewest = value.toByteArray();
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, 0, length - fewest.length, (byte) (value.signum() < 0 ? -1 : 0));
        System.arraycopy(fewest, 0, bytes, length - fewest.length, fewest.length);
        return bytes;
    }

    /** The rows written through parquet-java's column writers, as the part writer did before {@link ColumnChunkWriter}. */
    private static void writeWithParquetJava(Path path, MessageType schema, Set<String> plain, List<RowBatch> batches) throws IOException {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withPageSize(1024 * 1024)
                .withDictionaryEncoding(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withSizeStatisticsEnabled(false)
                .withStatisticsTruncateLength(ParquetPartWriter.STATISTICS_LENGTH);
        plain.forEach(column -> builder.withDictionaryEncoding(column, false));
        ParquetProperties properties = builder.build();
        ParquetFileWriter file = new ParquetFileWriter(new LocalOutputFile(path), schema, ParquetFileWriter.Mode.CREATE, 64L << 20, 0, null,
                properties);
        file.start();
        ColumnChunkPageWriteStore pages = ColumnChunkPageWriteStore.builder()
                .withSchema(schema)
                .withCompressorProvider(column -> new SnappyCodecFactory().getCompressor(CompressionCodecName.SNAPPY))
                .withAllocator(properties.getAllocator())
                .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
                .build();
        ColumnWriteStore columns = properties.newColumnWriteStore(schema, new TruncatingPageWriteStore(pages, ParquetPartWriter.STATISTICS_LENGTH), pages);
        List<ColumnWriter> writers = new ArrayList<>();
        for (ColumnDescriptor column : schema.getColumns()) {
            writers.add(columns.getColumnWriter(column));
        }
        long rows = 0;
        for (RowBatch batch : batches) {
            ColumnVector[] vectors = batch.vectors();
            for (int row = 0; row < batch.size(); row++) {
                for (int c = 0; c < vectors.length; c++) {
                    Object value = vectors[c].valueAt(row);
                    ColumnWriter writer = writers.get(c);
                    if (value == null) {
                        writer.writeNull(0, 0);
                    }
                    else if (value instanceof Long l) {
                        writer.write(l, 0, 1);
                    }
                    else if (value instanceof Double d) {
                        writer.write(d, 0, 1);
                    }
                    else if (value instanceof Integer i) {
                        writer.write(i, 0, 1);
                    }
                    else if (value instanceof Boolean b) {
                        writer.write(b, 0, 1);
                    }
                    else if (value instanceof BigDecimal decimal) {
                        PrimitiveType type = schema.getColumns().get(c).getPrimitiveType();
                        if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64) {
                            writer.write(decimal.unscaledValue().longValueExact(), 0, 1);
                        }
                        else if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32) {
                            writer.write(decimal.unscaledValue().intValueExact(), 0, 1);
                        }
                        else {
                            writer.write(Binary.fromConstantByteArray(twosComplement(decimal.unscaledValue(), type.getTypeLength())), 0, 1);
                        }
                    }
                    else {
                        writer.write(Binary.fromString((String) value), 0, 1);
                    }
                }
                columns.endRecord();
            }
            rows += batch.size();
        }
        file.startBlock(rows);
        columns.flush();
        pages.flushToFileWriter(file);
        file.endBlock();
        columns.close();
        pages.close();
        file.end(Map.of());
    }
}
