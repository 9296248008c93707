package dev.medallion.silver.local;

import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.SourceObject;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * A local file to convert, opened once: the object the converter sees, and its bytes, whole or by range,
 * all read from that one open file. Byte ranges are read by threads of their own, each opening its range
 * when it gets to it; had each opened the path again, a file replaced meanwhile (an export written beside
 * it and renamed over it, as {@code mv} and most tools do) would give the later ranges the new file's
 * bytes, converted and committed under the old file's size and time, rows of two versions in one
 * conversion. S3's ranges are pinned to one version by {@code If-Match} on its ETag; an open file is
 * pinned to one version by the file it opened. Read straight from the file, whatever its name: an object
 * store's key rules would refuse a file named with a backslash (a zip made on Windows, unpacked elsewhere).
 */
final class LocalSourceFile implements Closeable {
    private final FileChannel channel;
    private final SourceObject source;

    private LocalSourceFile(FileChannel channel, SourceObject source) {
        this.channel = channel;
        this.source = source;
    }

    /**
     * Opens the file, and takes its size and modification time from the file opened: read before and after
     * the open, they must agree, else the file was replaced in between and which one was opened is unknown.
     */
    static LocalSourceFile open(Path input) throws IOException {
        requireNonNull(input, "input is null");
        BasicFileAttributes before = Files.readAttributes(input, BasicFileAttributes.class);
        FileChannel channel = FileChannel.open(input, StandardOpenOption.READ);
        try {
            BasicFileAttributes after = Files.readAttributes(input, BasicFileAttributes.class);
            if (!sameVersion(before, after) || channel.size() != after.size()) {
                throw new IOException(input + " changed while it was being opened for conversion (its size or modification time, "
                        + before.size() + " bytes at " + before.lastModifiedTime() + ", became " + after.size() + " bytes at "
                        + after.lastModifiedTime() + "): nothing is converted; convert it again once it is written");
            }
            return new LocalSourceFile(channel, source(input, after));
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    SourceObject source() {
        return source;
    }

    /** The opened file's bytes: whole to its end (the converter compares the count with the size), or by range. */
    SilverConverter.Content content() {
        return SilverConverter.Content.of(() -> new ChannelBytes(channel, 0, Long.MAX_VALUE), (from, to) -> {
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("Invalid byte range [" + from + ", " + to + ") of " + source.key());
            }
            return new ChannelBytes(channel, from, to);
        });
    }

    /**
     * A local file has no entity tag; its size and modification time stand in for one, so converting an
     * unchanged file again is recognised and skipped, and an edited file replaces its earlier output.
     */
    private static SourceObject source(Path input, BasicFileAttributes attributes) {
        long modified = attributes.lastModifiedTime().toMillis();
        String etag = Long.toHexString(attributes.size()) + Long.toHexString(modified);
        return new SourceObject("local", input.toString(), etag, attributes.size(), attributes.lastModifiedTime().toInstant());
    }

    /** The same file (where the file system names one: an inode) with the same size and time. */
    private static boolean sameVersion(BasicFileAttributes one, BasicFileAttributes other) {
        return Objects.equals(one.fileKey(), other.fileKey()) && one.size() == other.size() && one.lastModifiedTime().equals(other.lastModifiedTime());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Bytes {@code from} to {@code to} (exclusive, or to the file's end) of the open file, by positional reads,
     * which threads reading ranges at once may make on one channel. Closing it leaves the channel open.
     */
    private static final class ChannelBytes extends InputStream {
        private final FileChannel channel;
        private final long to;
        private final byte[] single = new byte[1];
        private long position;

        ChannelBytes(FileChannel channel, long from, long to) {
            this.channel = channel;
            this.position = from;
            this.to = to;
        }

        @Override
        public int read() throws IOException {
            return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            if (position >= to) {
                return -1;
            }
            int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, to - position)), position);
            if (read > 0) {
                position += read;
            }
            return read;
        }
    }
}
