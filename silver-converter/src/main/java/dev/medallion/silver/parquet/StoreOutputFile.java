package dev.medallion.silver.parquet;

import dev.medallion.common.storage.ObjectUpload;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** Lets parquet-java write into an {@link ObjectUpload}, so a part streams to S3 without touching /tmp. */
final class StoreOutputFile implements OutputFile {
    private final ObjectUpload upload;
    private final String location;

    StoreOutputFile(ObjectUpload upload, String location) {
        this.upload = requireNonNull(upload, "upload is null");
        this.location = requireNonNull(location, "location is null");
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new PositionOutputStream() {
            @Override
            public long getPos() {
                return upload.position();
            }

            @Override
            public void write(int b) throws IOException {
                upload.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                upload.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                upload.close();
            }
        };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return location;
    }
}
