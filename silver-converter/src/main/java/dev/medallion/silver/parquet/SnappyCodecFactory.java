package dev.medallion.silver.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.IOException;

/**
 * Compresses pages with snappy-java directly. parquet-java's default factory goes through Hadoop's
 * codec machinery (a Hadoop Configuration parsed from XML, codec pools, stream wrappers), which costs
 * start-up time, a dozen extra libraries in the Lambda jar, and a copy per page. Writing is all Silver does.
 */
final class SnappyCodecFactory implements CompressionCodecFactory {
    private static final BytesInputCompressor COMPRESSOR = new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(Snappy.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.SNAPPY;
        }

        @Override
        public void release() {}
    };

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        if (codecName != CompressionCodecName.SNAPPY) {
            throw new IllegalArgumentException("Silver writes Snappy only, not " + codecName);
        }
        return COMPRESSOR;
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        throw new UnsupportedOperationException("Silver only writes Parquet");
    }

    @Override
    public void release() {}
}
