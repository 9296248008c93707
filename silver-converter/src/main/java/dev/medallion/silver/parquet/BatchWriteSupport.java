package dev.medallion.silver.parquet;

import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Feeds rows of the current {@link RowBatch} to Parquet straight from its typed vectors. A record is a
 * row number in the batch: no per-row object, no Avro.
 */
final class BatchWriteSupport extends WriteSupport<Integer> {
    private final MessageType schema;
    private RecordConsumer consumer;
    private ColumnVector[] vectors;

    BatchWriteSupport(MessageType schema) {
        this.schema = requireNonNull(schema, "schema is null");
    }

    void use(RowBatch batch) {
        this.vectors = batch.vectors();
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Integer row) {
        write((int) row);
    }

    /** Writes row {@code row} of the current batch, without boxing its number. */
    void write(int row) {
        consumer.startMessage();
        for (ColumnVector vector : vectors) {
            vector.write(consumer, row);
        }
        consumer.endMessage();
    }

    @Override
    public String getName() {
        return "medallion-silver";
    }
}
