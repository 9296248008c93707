package dev.medallion.silver;

import dev.medallion.silver.parquet.PartInfo;
import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads Parquet files on local disk for tests, through parquet-avro and a {@link LocalInputFile}: no
 * Hadoop file system is involved. (parquet-hadoop's readers still load a few Hadoop classes and build a
 * Hadoop {@code Configuration}: see the test-scoped Hadoop dependencies in the pom.)
 */
public final class ParquetTestFiles {
    /**
     * Avro's generic model with the conversions parquet-avro's default one applies (a date is a LocalDate, a timestamp not
     * adjusted to UTC a LocalDateTime), and with the decimal one: a DECIMAL column's values are BigDecimals, a
     * FIXED_LEN_BYTE_ARRAY's bytes read as big-endian two's complement (parquet-avro converts an INT64 DECIMAL so without it,
     * but hands a fixed one over as bytes).
     */
    private static final GenericData DECIMALS_CONVERTED = new GenericData();

    static {
        DECIMALS_CONVERTED.addLogicalTypeConversion(new Conversions.DecimalConversion());
        DECIMALS_CONVERTED.addLogicalTypeConversion(new TimeConversions.DateConversion());
        DECIMALS_CONVERTED.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        DECIMALS_CONVERTED.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        DECIMALS_CONVERTED.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        DECIMALS_CONVERTED.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    }

    private ParquetTestFiles() {}

    /** Every record of the file, in file order. */
    public static List<GenericRecord> readAll(Path file) throws IOException {
        List<GenericRecord> records = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withDataModel(DECIMALS_CONVERTED)
                .build()) {
            for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
                records.add(record);
            }
        }
        return records;
    }

    /** Every record of the parts a manifest lists, read from under {@code root} (the silver bucket's folder), in the manifest's order. */
    public static List<GenericRecord> readAll(Path root, Manifest manifest) throws IOException {
        List<GenericRecord> records = new ArrayList<>();
        for (PartInfo part : manifest.parts()) {
            records.addAll(readAll(root.resolve(part.key())));
        }
        return records;
    }

    /** The compression codecs of all the file's column chunks. */
    public static Set<CompressionCodecName> codecs(Path file) throws IOException {
        Set<CompressionCodecName> codecs = EnumSet.noneOf(CompressionCodecName.class);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData column : block.getColumns()) {
                    codecs.add(column.getCodec());
                }
            }
        }
        return codecs;
    }

    /** The file's row groups, as its footer describes them. */
    public static List<BlockMetaData> rowGroups(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getBlocks();
        }
    }

    /** The file's Parquet schema, as written. */
    public static MessageType schema(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }
}
