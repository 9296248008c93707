package dev.medallion.silver.parquet;

import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Writes one Snappy Parquet part file, streamed into the object store as it is produced. {@link #finish()}
 * sends its last bytes, and the part stays invisible until the commit publishes its {@link #upload()};
 * aborting that upload discards it.
 *
 * <p>Memory is bounded by bytes, not by row counts. Each column chunk is encoded by a {@link ColumnChunkWriter},
 * which ends a page once it reaches the page size or parquet-java's page row limit, checked after every
 * value, so a page holds at most its size plus one value whatever the rows are like; parquet-java's
 * {@link ColumnChunkPageWriteStore} compresses the pages and holds them until the row group is written.
 * And, a chunk ({@link RowBatch}) at a time:
 * <ul>
 * <li>the row group ends once what it buffers reaches the row group size, checked after every chunk,
 *     and a chunk holds at most {@code CHUNK_MAX_BYTES} (plus one row);</li>
 * <li>min/max statistics keep {@value #STATISTICS_LENGTH} bytes of a value, not the whole value, from the
 *     first page on ({@link TruncatingPageWriteStore}), so a file of huge values does not hold them for its
 *     footer until it is closed;</li>
 * <li>at most {@value #MAX_DICTIONARY_COLUMNS} columns are dictionary-encoded: each holds a dictionary of
 *     its own, which a file of thousands of columns could not afford;</li>
 * <li>the part is full ({@link #footerFull()}) once the metadata parquet-java keeps for its footer, about
 *     1 KiB per column and row group, reaches {@value #MAX_FOOTER_BYTES} bytes: a file of thousands of
 *     columns gets parts of a few row groups each.</li>
 * </ul>
 */
public final class ParquetPartWriter {
    private static final int PAGE_SIZE = 1024 * 1024;
    /** The writer named in the footer's metadata ({@code writer.model.name}). */
    private static final String OBJECT_MODEL_NAME = "medallion-silver";
    /** Bytes of a min or max value kept in statistics (parquet-java's own default for its column index). */
    static final int STATISTICS_LENGTH = 64;
    /**
     * What parquet-java keeps of each column chunk written (metadata, column and offset index) until it
     * writes the footer, measured at about 1 KiB; and how much of that a part may keep before it is full.
     */
    static final long COLUMN_CHUNK_BYTES = 1024;
    static final long MAX_FOOTER_BYTES = 16L * 1024 * 1024;
    /** The most columns of a part written with dictionary encoding. */
    static final int MAX_DICTIONARY_COLUMNS = 1000;

    private final String key;
    private final ObjectUpload upload;
    private final MessageType schema;
    private final ParquetProperties properties;
    private final ParquetFileWriter file;
    private final BytesInputCompressor compressor = new SnappyCodecFactory().getCompressor(CompressionCodecName.SNAPPY);
    private final long rowGroupBytes;
    private ColumnChunkPageWriteStore pages;
    private ColumnChunkWriter[] writers;
    private long rowsInGroup;
    private int rowGroups;
    private long rows;

    /**
     * @param plainColumns columns written without dictionary encoding (see {@link RowBatch#highCardinalityColumns()})
     */
    public ParquetPartWriter(ObjectStore store, String key, MessageType schema, long rowGroupBytes, Set<String> plainColumns) throws IOException {
        this(store.create(key), key, store.describe(key), schema, rowGroupBytes, plainColumns);
    }

    /**
     * Writes into {@code upload}, one the caller made for {@code key} (such as one it can stop, {@code ChunkPipeline}).
     *
     * @param location where the part goes, for messages ({@link ObjectStore#describe})
     * @param plainColumns columns written without dictionary encoding (see {@link RowBatch#highCardinalityColumns()})
     */
    public ParquetPartWriter(ObjectUpload upload, String key, String location, MessageType schema, long rowGroupBytes, Set<String> plainColumns)
            throws IOException {
        this.upload = requireNonNull(upload, "upload is null");
        this.key = requireNonNull(key, "key is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.rowGroupBytes = rowGroupBytes;
        try {
            ParquetProperties.Builder builder = ParquetProperties.builder()
                    .withPageSize(PAGE_SIZE)
                    .withDictionaryEncoding(true)
                    // Format v1 data pages: what every Athena, Glue, Hive and Spark version reads.
                    .withWriterVersion(WriterVersion.PARQUET_1_0)
                    .withStatisticsTruncateLength(STATISTICS_LENGTH);
            plainColumns.forEach(column -> builder.withDictionaryEncoding(column, false));
            // A dictionary-encoded column holds its dictionary (up to the dictionary page size), a hash table
            // and its ids besides its page: a wide file keeps dictionaries for its first columns only.
            int dictionaries = 0;
            for (ColumnDescriptor column : schema.getColumns()) {
                String name = column.getPath()[0];
                if (!plainColumns.contains(name) && ++dictionaries > MAX_DICTIONARY_COLUMNS) {
                    builder.withDictionaryEncoding(name, false);
                }
            }
            this.properties = builder.build();
            this.file = new ParquetFileWriter(new StoreOutputFile(upload, location), schema, ParquetFileWriter.Mode.OVERWRITE,
                    rowGroupBytes, 0, null, properties);
            file.start();
            startRowGroup();
        }
        catch (IOException | RuntimeException | Error e) {
            upload.abort();
            throw e;
        }
    }

    public String key() {
        return key;
    }

    /** The part's upload: to publish once finished, or to abort. */
    public ObjectUpload upload() {
        return upload;
    }

    public void write(RowBatch batch) throws IOException {
        if (batch.size() == 0) {
            return;
        }
        // Column at a time: each column's values go to its chunk's encoder in one loop, which ends a page
        // at the page size or row limit after any value.
        ColumnVector[] vectors = batch.vectors();
        for (int c = 0; c < vectors.length; c++) {
            vectors[c].writeTo(writers[c], 0, batch.size());
        }
        rowsInGroup += batch.size();
        rows += batch.size();
        if (bufferedSize() >= rowGroupBytes) {
            endRowGroup(true);
        }
    }

    /** Whether the metadata kept for the footer of the row groups written has reached its budget: the part should be finished. */
    public boolean footerFull() {
        return (long) rowGroups * schema.getColumns().size() * COLUMN_CHUNK_BYTES >= MAX_FOOTER_BYTES;
    }

    /** Row groups written so far, and the open one if it holds rows. */
    int rowGroups() {
        return rowGroups + (rowsInGroup > 0 ? 1 : 0);
    }

    /** Bytes written plus bytes buffered for the current row group: the part's size so far. */
    public long dataSize() throws IOException {
        return file.getPos() + bufferedSize();
    }

    private long bufferedSize() {
        long bytes = 0;
        for (ColumnChunkWriter writer : writers) {
            bytes += writer.bufferedSize();
        }
        return bytes;
    }

    public PartInfo finish() throws IOException {
        try {
            endRowGroup(false);
            // Writes the footer and closes the stream: every byte of the part is sent.
            file.end(Map.of(ParquetWriter.OBJECT_MODEL_NAME_PROP, OBJECT_MODEL_NAME));
        }
        catch (IOException | RuntimeException | Error e) {
            upload.abort();
            throw e;
        }
        return new PartInfo(key, rows, upload.position());
    }

    private void startRowGroup() {
        pages = ColumnChunkPageWriteStore.builder()
                .withSchema(schema)
                .withCompressorProvider(column -> compressor)
                .withAllocator(properties.getAllocator())
                .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
                .withRowGroupOrdinal(rowGroups)
                .build();
        TruncatingPageWriteStore truncatingPages = new TruncatingPageWriteStore(pages, STATISTICS_LENGTH);
        // The schema's columns are the contract's, in the batch's order.
        List<ColumnDescriptor> descriptors = schema.getColumns();
        writers = new ColumnChunkWriter[descriptors.size()];
        for (int c = 0; c < writers.length; c++) {
            ColumnDescriptor column = descriptors.get(c);
            writers[c] = ColumnChunkWriter.of(column, truncatingPages.getPageWriter(column), properties.isDictionaryEnabled(column),
                    properties.getPageSizeThreshold(), properties.getPageRowCountLimit(), properties.getDictionaryPageSizeThreshold());
        }
    }

    /** Writes the buffered rows as a row group, and starts the next one unless the part is finished. */
    private void endRowGroup(boolean startNext) throws IOException {
        if (rowsInGroup > 0) {
            for (ColumnChunkWriter writer : writers) {
                writer.finish();
            }
            file.startBlock(rowsInGroup);
            pages.flushToFileWriter(file);
            file.endBlock();
            rowGroups++;
            rowsInGroup = 0;
        }
        // Releases the buffers of the row group written (and nothing else: they were flushed first).
        pages.close();
        if (startNext) {
            startRowGroup();
        }
    }
}
