package dev.medallion.bronze.upload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.zip.CRC32;

import static java.util.Objects.requireNonNull;

/**
 * CRC32 in the form S3 stores and reports it ({@code x-amz-checksum-crc32}): the base64 of the four
 * big-endian bytes of the checksum. Every object this tool uploads carries the CRC32 of its whole
 * content, also when it goes up in parts (S3's {@code FULL_OBJECT} checksum type), so a local file
 * and an object compare without knowing how the object was split.
 *
 * <p>Why CRC32 and not CRC64NVME, S3's default: the AWS SDK computes CRC64NVME only with the native
 * AWS CRT library, which this lean jar does not carry, and moto (the test emulator) computes it only
 * when its own optional CRT dependency is installed, falling back to a CRC32 labelled CRC64NVME. CRC32
 * is in the JDK, hardware-accelerated, and the one full-object checksum both S3 and moto compute the
 * same way. Equal size and equal CRC32 mean unchanged content; the chance that an edit keeps both is
 * one in four billion, and CRC32 catches every edit confined to 32 consecutive bits.
 */
public final class Crc32Checksum {
    private static final int READ_BUFFER_BYTES = 64 << 10;

    private final CRC32 crc = new CRC32();
    private long bytes;

    public void update(byte[] content, int offset, int length) {
        crc.update(content, offset, length);
        bytes += length;
    }

    /** How many bytes went into the checksum. */
    public long bytes() {
        return bytes;
    }

    /** The checksum of everything so far, as S3 reports it. */
    public String base64() {
        return encode(crc.getValue());
    }

    public static String of(byte[] content, int offset, int length) {
        Crc32Checksum checksum = new Crc32Checksum();
        checksum.update(content, offset, length);
        return checksum.base64();
    }

    /** Reads the stream to its end; the caller closes it. */
    public static Crc32Checksum of(InputStream in) throws IOException {
        requireNonNull(in, "in is null");
        Crc32Checksum checksum = new Crc32Checksum();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
            checksum.update(buffer, 0, read);
        }
        return checksum;
    }

    static String encode(long crc32) {
        byte[] bigEndian = {(byte) (crc32 >>> 24), (byte) (crc32 >>> 16), (byte) (crc32 >>> 8), (byte) crc32};
        return Base64.getEncoder().encodeToString(bigEndian);
    }
}
