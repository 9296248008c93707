package dev.medallion.common.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static java.util.Objects.requireNonNull;

/**
 * Decompresses a gzip file (RFC 1952) of one or more members, as {@code cat a.gz b.gz} makes, and
 * accepts it only whole: every member's header, deflate data, CRC-32 and length are checked, and the
 * file must end exactly after a member. Anything else (a damaged or cut member, a next member whose
 * header is damaged or cut, bytes after the last member that do not start a member) throws a
 * {@link DamagedGzipException} that says what and at which byte offset of the compressed file.
 *
 * <p>The JDK's {@code GZIPInputStream} cannot be trusted with this: it reads a next member only when
 * the underlying stream reports bytes {@code available()} (an HTTP body need not), and it takes a next
 * member it cannot read, or trailing garbage, for the end of the file: rows silently lost. The converter
 * reads gzip files with this class, and bronze-ingest checks them with it before an upload, so that a
 * file it sends is not one the converter rejects.
 *
 * <p>Failures of the underlying stream pass through unchanged: they are not damage.
 */
public final class GzipMembersInputStream extends InputStream {
    /** What a person does about a damaged gzip file, appended to the rejection. */
    public static final String REMEDY = ". Test the file with gzip -t; compress it again from its original, or copy it again whole";
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED_FLAGS = 0xe0;
    private static final int DEFLATE = 8;

    private final InputStream in;
    private final byte[] buffer;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final CRC32 headerCrc = new CRC32();
    /** Offset in the compressed file of {@code buffer[0]}. */
    private long bufferStart;
    private int position;
    private int limit;
    private boolean rawEnd;
    /** The member being read, from 1. */
    private int member;
    private long memberStart;
    private boolean inData;
    private boolean finished;
    private boolean closed;
    private final byte[] single = new byte[1];

    public GzipMembersInputStream(InputStream in, int bufferSize) {
        this.in = requireNonNull(in, "in is null");
        this.buffer = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        int read = read(single, 0, 1);
        return read < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] out, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
        if (length == 0) {
            return 0;
        }
        while (!finished) {
            if (!inData) {
                if (!readHeader()) {
                    finished = true;
                    return -1;
                }
                inData = true;
                inflater.setInput(buffer, position, limit - position);
            }
            int inflated;
            try {
                inflated = inflater.inflate(out, offset, length);
            }
            catch (DataFormatException e) {
                position = limit - inflater.getRemaining();
                throw damaged("the compressed data of gzip member " + member + " is damaged at or before byte offset " + offset()
                        + " (" + (e.getMessage() == null ? "invalid deflate data" : e.getMessage()) + ")");
            }
            position = limit - inflater.getRemaining();
            if (inflated > 0) {
                crc.update(out, offset, inflated);
                return inflated;
            }
            if (inflater.finished()) {
                readTrailer();
                inData = false;
            }
            else if (inflater.needsDictionary()) {
                throw damaged("gzip member " + member + " asks for a preset dictionary at byte offset " + offset() + ", which gzip never uses");
            }
            else if (inflater.needsInput()) {
                if (!fill()) {
                    throw damaged("the file ends inside the compressed data of gzip member " + member + ", at byte offset " + offset()
                            + ": it is cut short");
                }
                inflater.setInput(buffer, position, limit - position);
            }
        }
        return -1;
    }

    /**
     * Reads the next member's header. At the end of the file after a member, returns false; anything
     * but a whole header there is damage.
     */
    private boolean readHeader() throws IOException {
        memberStart = offset();
        int first = next();
        if (first < 0) {
            if (member == 0) {
                throw damaged("the file is empty where a gzip header should start");
            }
            return false;
        }
        member++;
        headerCrc.reset();
        headerCrc.update(first);
        if (first != 0x1f || headerByte("magic number") != 0x8b) {
            throw damaged(member == 1 ? "it does not start with the gzip magic number"
                    : "the file goes on after the end of gzip member " + (member - 1) + ", but the bytes at byte offset " + memberStart
                            + " are not another gzip member (trailing garbage)");
        }
        int method = headerByte("compression method");
        if (method != DEFLATE) {
            throw damaged("gzip member " + member + " at byte offset " + memberStart + " names compression method " + method + ", not deflate (8)");
        }
        int flags = headerByte("flags");
        if ((flags & RESERVED_FLAGS) != 0) {
            throw damaged("gzip member " + member + " at byte offset " + memberStart + " sets reserved header flags (0x"
                    + Integer.toHexString(flags) + ")");
        }
        for (int i = 0; i < 6; i++) {
            headerByte("modification time and operating system");
        }
        if ((flags & FEXTRA) != 0) {
            int extra = headerByte("extra field length") | headerByte("extra field length") << 8;
            for (int i = 0; i < extra; i++) {
                headerByte("extra field");
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte("file name") != 0) {
                // The name is not needed.
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte("comment") != 0) {
                // Nor the comment.
            }
        }
        if ((flags & FHCRC) != 0) {
            int expected = (int) (headerCrc.getValue() & 0xffff);
            int stored = next16("header checksum");
            if (stored != expected) {
                throw damaged("the header checksum of gzip member " + member + " at byte offset " + memberStart + " does not match the header");
            }
        }
        inflater.reset();
        crc.reset();
        return true;
    }

    private void readTrailer() throws IOException {
        long trailerStart = offset();
        long storedCrc = next32("trailer");
        long storedSize = next32("trailer");
        if (storedCrc != crc.getValue()) {
            throw damaged("the CRC-32 of gzip member " + member + " (trailer at byte offset " + trailerStart + ") does not match its decompressed data");
        }
        if (storedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw damaged("the length stored in the trailer of gzip member " + member + " (at byte offset " + trailerStart
                    + ") does not match its decompressed data");
        }
    }

    private int headerByte(String part) throws IOException {
        int b = next();
        if (b < 0) {
            throw cutInHeader(part);
        }
        headerCrc.update(b);
        return b;
    }

    private int next16(String part) throws IOException {
        int low = next();
        int high = next();
        if (high < 0) {
            throw cutInHeader(part);
        }
        return low | high << 8;
    }

    private long next32(String part) throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            int b = next();
            if (b < 0) {
                throw damaged("the file ends inside the " + part + " of gzip member " + member + ", at byte offset " + offset() + ": it is cut short");
            }
            value |= (long) b << (8 * i);
        }
        return value;
    }

    private DamagedGzipException cutInHeader(String part) {
        return damaged("the file ends inside the header (" + part + ") of gzip member " + member + ", which starts at byte offset " + memberStart
                + ": it is cut short");
    }

    /** The next byte of the compressed file, or -1 at its end. */
    private int next() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Refills an exhausted buffer; false at the end of the file. */
    private boolean fill() throws IOException {
        if (rawEnd) {
            return false;
        }
        bufferStart += limit;
        position = 0;
        limit = 0;
        int read;
        do {
            read = in.read(buffer, 0, buffer.length);
        } while (read == 0);
        if (read < 0) {
            rawEnd = true;
            return false;
        }
        limit = read;
        return true;
    }

    /** The offset in the compressed file of the next byte to read. */
    private long offset() {
        return bufferStart + position;
    }

    private static DamagedGzipException damaged(String what) {
        return new DamagedGzipException(what);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }

    /** The compressed bytes are not a whole, valid gzip file; the message says what and where. */
    public static final class DamagedGzipException extends IOException {
        DamagedGzipException(String message) {
            super(requireNonNull(message, "message is null"));
        }
    }
}
