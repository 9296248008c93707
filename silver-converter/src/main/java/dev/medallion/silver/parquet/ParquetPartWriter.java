package dev.medallion.silver.parquet;

import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Writes one Snappy Parquet part file, streamed into the object store as it is produced. {@link #finish()}
 * sends its last bytes, and the part stays invisible until the commit publishes its {@link #upload()};
 * aborting that upload discards it.
 */
public final class ParquetPartWriter {
    private static final int PAGE_SIZE = 1024 * 1024;

    private final String key;
    private final ObjectUpload upload;
    private final BatchWriteSupport writeSupport;
    private final ParquetWriter<Integer> writer;
    private long rows;

    /**
     * @param plainColumns columns written without dictionary encoding (see {@link RowBatch#highCardinalityColumns()})
     */
    public ParquetPartWriter(ObjectStore store, String key, MessageType schema, long rowGroupBytes, Set<String> plainColumns) throws IOException {
        this.key = requireNonNull(key, "key is null");
        this.writeSupport = new BatchWriteSupport(schema);
        this.upload = store.create(key);
        try {
            Builder builder = new Builder(new StoreOutputFile(upload, store.describe(key)), writeSupport);
            plainColumns.forEach(column -> builder.withDictionaryEncoding(column, false));
            this.writer = builder
                    .withConf(new PlainParquetConfiguration())
                    .withCodecFactory(new SnappyCodecFactory())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize(rowGroupBytes)
                    .withPageSize(PAGE_SIZE)
                    .withDictionaryEncoding(true)
                    // Format v1 data pages: what every Athena, Glue, Hive and Spark version reads.
                    .withWriterVersion(WriterVersion.PARQUET_1_0)
                    .withValidation(false)
                    // Level histograms per page: no engine Silver serves (Athena, Glue, DuckDB) reads them.
                    .withSizeStatisticsEnabled(false)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build();
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
        writeSupport.use(batch);
        for (int row = 0; row < batch.size(); row++) {
            writer.write(row);
        }
        rows += batch.size();
    }

    /** Bytes written plus bytes buffered for the current row group: the part's size so far. */
    public long dataSize() {
        return writer.getDataSize();
    }

    public PartInfo finish() throws IOException {
        try {
            writer.close();
        }
        catch (IOException | RuntimeException | Error e) {
            upload.abort();
            throw e;
        }
        return new PartInfo(key, rows, upload.position());
    }

    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
        private final BatchWriteSupport writeSupport;

        Builder(OutputFile file, BatchWriteSupport writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(Configuration configuration) {
            return writeSupport;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration configuration) {
            return writeSupport;
        }
    }
}
