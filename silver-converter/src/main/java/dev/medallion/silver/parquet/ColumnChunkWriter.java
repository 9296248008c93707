package dev.medallion.silver.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One column chunk of a row group, encoded into Parquet data pages (format v1) straight from a
 * {@link ColumnVector}'s arrays, and handed to parquet-java's {@link PageWriter}, which compresses the
 * pages, writes their headers and checksums, and builds the chunk's statistics, column index and offset
 * index from the page statistics given here.
 *
 * <p>Why not parquet-java's column writers: they take a value at a time through several virtual calls
 * (statistics, levels, fallback and dictionary writers), hash a text value again in a map of
 * {@link Binary} objects for the dictionary, and compare it for the statistics; in the benchmark's profile
 * they were a quarter of the converter's CPU. Here a column's values are encoded in one loop over the
 * vector's arrays, a text value is hashed once over the bytes the vector holds, and a text dictionary
 * page's statistics see each distinct value of the page once. The encodings are the ones parquet-java's
 * own writer chooses for the same properties
 * ({@link org.apache.parquet.column.ParquetProperties.WriterVersion#PARQUET_1_0}): definition levels RLE,
 * values PLAIN or PLAIN_DICTIONARY, a dictionary kept while it stays under the dictionary page size and
 * while, on the first page, it makes the page smaller than plain values would. The bytes are not the same
 * page for page: a page ends at the page size (counting a dictionary id as 4 bytes) or the row count
 * limit, checked after every value; a dictionary that fills up mid-page keeps that page and the next ones
 * are plain, where parquet-java re-encodes the open page plain; and runs are split differently, as the
 * RLE/bit-packing hybrid allows. {@code ColumnChunkWriterTest} writes the same rows both ways and compares
 * the files value by value and each column chunk's encodings, statistics and value count.
 *
 * <p>Every column is optional and top-level (the schema contract's), so a value's definition level is 1,
 * a null's 0, and there are no repetition levels.
 */
abstract sealed class ColumnChunkWriter {
    /**
     * Values a page's arrays start with room for. They double as values come, as {@link ColumnVector}'s do,
     * so a file of thousands of columns costs memory for the values it has, not for room reserved per column.
     */
    private static final int INITIAL_PAGE_CAPACITY = 16;

    protected final ColumnDescriptor column;
    private final PageWriter pages;
    private final int pageSize;
    private final int pageRowLimit;
    protected final int dictionaryPageSize;
    /**
     * Buffers a page is encoded into when it is written, a thread's own: what they hold is copied (compressed)
     * by parquet-java before the page write returns, so a column keeps none of them between pages.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The definition level of each value of the open page: 1 for a value, 0 for a null. */
    private byte[] levels = new byte[INITIAL_PAGE_CAPACITY];
    private int pageNulls;
    protected Statistics<?> statistics;
    /** Values (nulls included) in the open page. */
    protected int pageValues;
    /** Bytes the open page's values take as held (values or dictionary ids), kept by the subclass as it adds them. */
    protected long pageBytes;
    /** Whether the chunk's dictionary is still in use for new values. */
    protected boolean dictionary;
    /** Whether any page of the chunk was written with the dictionary, which must then be written too. */
    protected boolean dictionaryPagesWritten;
    private boolean firstPage = true;

    ColumnChunkWriter(ColumnDescriptor column, PageWriter pages, boolean dictionary, int pageSize, int pageRowLimit, int dictionaryPageSize) {
        this.column = requireNonNull(column, "column is null");
        this.pages = requireNonNull(pages, "pages is null");
        if (column.getMaxRepetitionLevel() != 0 || column.getMaxDefinitionLevel() != 1) {
            throw new IllegalArgumentException("column " + column + " is not an optional top-level column");
        }
        this.dictionary = dictionary;
        this.pageSize = pageSize;
        this.pageRowLimit = pageRowLimit;
        this.dictionaryPageSize = dictionaryPageSize;
        this.statistics = Statistics.createStats(column.getPrimitiveType());
    }

    static ColumnChunkWriter of(ColumnDescriptor column, PageWriter pages, boolean dictionary, int pageSize, int pageRowLimit,
            int dictionaryPageSize) {
        return switch (column.getPrimitiveType().getPrimitiveTypeName()) {
            case INT64, DOUBLE -> new FixedWidth(column, pages, dictionary, pageSize, pageRowLimit, dictionaryPageSize, 8);
            case INT32 -> new FixedWidth(column, pages, dictionary, pageSize, pageRowLimit, dictionaryPageSize, 4);
            case BOOLEAN -> new Booleans(column, pages, pageSize, pageRowLimit, dictionaryPageSize);
            case BINARY, FIXED_LEN_BYTE_ARRAY -> new Text(column, pages, dictionary, pageSize, pageRowLimit, dictionaryPageSize);
            default -> throw new IllegalArgumentException("no writer for column " + column);
        };
    }

    /**
     * Bytes buffered for the open page (values or dictionary ids, a byte per definition level), the chunk's
     * dictionary and the pages written: what the row group holds of this column. The open page's buffers
     * are at most twice that (they double as they grow), and a written page's values buffer is dropped,
     * so a column holds nothing of a page once it is written.
     */
    final long bufferedSize() {
        return pageBytes + pageValues + dictionaryBytes() + pages.getMemSize();
    }

    /** Ends the chunk: writes the open page, and the dictionary if a page used it. The writer is done then. */
    final void finish() throws IOException {
        if (pageValues > 0) {
            writePage();
        }
        if (dictionaryPagesWritten) {
            try {
                pages.writeDictionaryPage(new DictionaryPage(dictionaryPage(), dictionaryEntries(), Encoding.PLAIN_DICTIONARY));
            }
            catch (IOException e) {
                throw new IOException("could not write the dictionary of column " + column + ": " + e.getMessage(), e);
            }
        }
    }

    /** Called after a value or null was added to the open page: ends the page once it is full. */
    protected final void valueAdded(boolean present) throws IOException {
        if (pageValues == levels.length) {
            levels = Arrays.copyOf(levels, 2 * levels.length);
        }
        levels[pageValues] = (byte) (present ? 1 : 0);
        if (!present) {
            pageNulls++;
        }
        if (++pageValues >= pageRowLimit || pageBytes >= pageSize) {
            writePage();
        }
    }

    /** Writes the open page, which holds values, as a data page. */
    protected final void writePage() throws IOException {
        try {
            BytesInput values;
            Encoding encoding;
            if (dictionary) {
                values = dictionaryIds();
                // On a chunk's first page the dictionary must pay for itself, as parquet-java's writer decides.
                if (firstPage && values.size() + dictionaryBytes() >= plainSize()) {
                    fallBackToPlain();
                    values = plainValues();
                    encoding = Encoding.PLAIN;
                }
                else {
                    encoding = Encoding.PLAIN_DICTIONARY;
                    dictionaryPagesWritten = true;
                }
            }
            else {
                values = plainValues();
                encoding = Encoding.PLAIN;
            }
            firstPage = false;
            statistics.incrementNumNulls(pageNulls);
            BytesInput definitionLevels = definitionLevels();
            pages.writePage(BytesInput.concat(BytesInput.fromInt(Math.toIntExact(definitionLevels.size())), definitionLevels, values),
                    pageValues, pageValues, statistics, Encoding.BIT_PACKED, Encoding.RLE, encoding);
        }
        catch (IOException e) {
            throw new IOException("could not write a page of column " + column + ": " + e.getMessage(), e);
        }
        resetPage();
        pageValues = 0;
        pageNulls = 0;
        pageBytes = 0;
        statistics = Statistics.createStats(column.getPrimitiveType());
    }

    /** The open page's definition levels, RLE/bit-packed hybrid (bit width 1). */
    private BytesInput definitionLevels() {
        Scratch scratch = SCRATCH.get();
        Bytes encoded = scratch.levels;
        encoded.clear();
        if (pageNulls == 0 || pageNulls == pageValues) {
            HybridEncoder.run(pageNulls == 0 ? 1 : 0, pageValues, 1, encoded);
        }
        else {
            // Held a byte each, encoded from ints.
            if (scratch.widened.length < pageValues) {
                scratch.widened = new int[Math.max(pageValues, 2 * scratch.widened.length)];
            }
            for (int i = 0; i < pageValues; i++) {
                scratch.widened[i] = levels[i];
            }
            HybridEncoder.encode(scratch.widened, pageValues, 1, encoded);
        }
        return encoded.toBytesInput();
    }

    /** Bytes of dictionary ids: their bit width, then the ids RLE/bit-packed. */
    protected static BytesInput encodeIds(int[] ids, int count, int entries) {
        int bitWidth = BytesUtils.getWidthFromMaxInt(Math.max(0, entries - 1));
        Bytes encoded = SCRATCH.get().ids;
        encoded.clear();
        encoded.putByte(bitWidth);
        HybridEncoder.encode(ids, count, bitWidth, encoded);
        return encoded.toBytesInput();
    }

    private static final class Scratch {
        private final Bytes levels = new Bytes();
        private final Bytes ids = new Bytes();
        private int[] widened = new int[INITIAL_PAGE_CAPACITY];
    }

    /** Bytes the open page's values take PLAIN-encoded. */
    protected abstract long plainSize();

    /** The open page's values, PLAIN-encoded. */
    protected abstract BytesInput plainValues();

    /** The open page's dictionary ids, encoded. */
    protected abstract BytesInput dictionaryIds();

    /** Re-encodes the open page's values PLAIN and writes every later value so; the dictionary is dropped unless a page used it. */
    protected abstract void fallBackToPlain();

    /**
     * Empties the open page. Its values buffer is dropped for a small one: a page of huge values, or a full
     * page of text, leaves nothing behind. (Definition levels and ids keep their arrays: at most a byte and
     * four bytes per value of the page row limit.)
     */
    protected abstract void resetPage();

    protected abstract long dictionaryBytes();

    protected abstract int dictionaryEntries();

    protected abstract BytesInput dictionaryPage();

    /** A growing array of bytes, written little-endian, as PLAIN encoding wants. */
    static final class Bytes {
        private byte[] bytes = new byte[INITIAL_PAGE_CAPACITY];
        private int size;

        int size() {
            return size;
        }

        byte[] array() {
            return bytes;
        }

        void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size + (long) more, 2L * bytes.length)));
            }
        }

        void putInt(int value) {
            ensure(4);
            bytes[size] = (byte) value;
            bytes[size + 1] = (byte) (value >>> 8);
            bytes[size + 2] = (byte) (value >>> 16);
            bytes[size + 3] = (byte) (value >>> 24);
            size += 4;
        }

        void putLong(long value) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                bytes[size + i] = (byte) (value >>> (8 * i));
            }
            size += 8;
        }

        void put(byte[] source, int from, int length) {
            ensure(length);
            System.arraycopy(source, from, bytes, size, length);
            size += length;
        }

        void putByte(int value) {
            ensure(1);
            bytes[size++] = (byte) value;
        }

        BytesInput toBytesInput() {
            return BytesInput.from(bytes, 0, size);
        }

        void clear() {
            size = 0;
        }

        /** Empties it, and drops its array for a small one. */
        void release() {
            size = 0;
            bytes = new byte[INITIAL_PAGE_CAPACITY];
        }
    }

    /**
     * INT64 (bigints, timestamps, decimals of 10 to 18 digits), DOUBLE and INT32 (dates, decimals of up to 9 digits) values, held as
     * their 8 or 4 bytes (a double as {@link Double#doubleToLongBits}, as parquet-java writes and compares it in its dictionary). The
     * statistics compare a DECIMAL's values as signed integers, as parquet-java's {@code PrimitiveType.comparator()} orders them.
     */
    static final class FixedWidth extends ColumnChunkWriter {
        private final int width;
        private final Bytes page = new Bytes();
        private int[] ids = new int[INITIAL_PAGE_CAPACITY];
        private int idCount;
        private LongDictionary entries = new LongDictionary();

        FixedWidth(ColumnDescriptor column, PageWriter pages, boolean dictionary, int pageSize, int pageRowLimit, int dictionaryPageSize,
                int width) {
            super(column, pages, dictionary, pageSize, pageRowLimit, dictionaryPageSize);
            this.width = width;
        }

        void writeLongs(long[] values, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    long value = values[row];
                    add(value);
                    statistics.updateStats(value);
                }
                valueAdded(!nulls[row]);
            }
        }

        void writeDoubles(double[] values, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    double value = values[row];
                    add(Double.doubleToLongBits(value));
                    // After add, which may end the page before this value.
                    statistics.updateStats(value);
                }
                valueAdded(!nulls[row]);
            }
        }

        void writeInts(int[] values, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    int value = values[row];
                    add(value);
                    statistics.updateStats(value);
                }
                valueAdded(!nulls[row]);
            }
        }

        private void add(long bits) throws IOException {
            if (dictionary) {
                int id = entries.idOf(bits);
                if (id < 0 && (long) (entries.size() + 1) * width > dictionaryPageSize) {
                    // The dictionary is full: the page so far keeps it, the rest of the chunk is plain.
                    if (pageValues > 0) {
                        writePage();
                    }
                    dictionary = false;
                }
                else {
                    if (id < 0) {
                        id = entries.add(bits);
                    }
                    if (idCount == ids.length) {
                        ids = Arrays.copyOf(ids, 2 * ids.length);
                    }
                    ids[idCount++] = id;
                    pageBytes += 4;
                    return;
                }
            }
            putPlain(page, bits);
            pageBytes += width;
        }

        private void putPlain(Bytes target, long bits) {
            if (width == 8) {
                target.putLong(bits);
            }
            else {
                target.putInt((int) bits);
            }
        }

        @Override
        protected long plainSize() {
            return dictionary ? (long) idCount * width : page.size();
        }

        @Override
        protected BytesInput plainValues() {
            return page.toBytesInput();
        }

        @Override
        protected BytesInput dictionaryIds() {
            return encodeIds(ids, idCount, entries.size());
        }

        @Override
        protected void fallBackToPlain() {
            for (int i = 0; i < idCount; i++) {
                putPlain(page, entries.valueOf(ids[i]));
            }
            pageBytes = page.size();
            idCount = 0;
            dictionary = false;
            if (!dictionaryPagesWritten) {
                entries = new LongDictionary();
            }
        }

        @Override
        protected void resetPage() {
            page.release();
            idCount = 0;
        }

        @Override
        protected long dictionaryBytes() {
            return (long) entries.size() * width;
        }

        @Override
        protected int dictionaryEntries() {
            return entries.size();
        }

        @Override
        protected BytesInput dictionaryPage() {
            Bytes plain = new Bytes();
            for (int id = 0; id < entries.size(); id++) {
                putPlain(plain, entries.valueOf(id));
            }
            return plain.toBytesInput();
        }
    }

    /** BOOLEAN values: PLAIN only (bit-packed, the first value in the lowest bit), as parquet-java writes them. */
    static final class Booleans extends ColumnChunkWriter {
        private final Bytes page = new Bytes();
        private int bits;
        private int bitCount;

        Booleans(ColumnDescriptor column, PageWriter pages, int pageSize, int pageRowLimit, int dictionaryPageSize) {
            super(column, pages, false, pageSize, pageRowLimit, dictionaryPageSize);
        }

        void writeBooleans(boolean[] values, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    boolean value = values[row];
                    statistics.updateStats(value);
                    if (value) {
                        bits |= 1 << bitCount;
                    }
                    if (++bitCount == 8) {
                        page.putByte(bits);
                        pageBytes++;
                        bits = 0;
                        bitCount = 0;
                    }
                }
                valueAdded(!nulls[row]);
            }
        }

        @Override
        protected long plainSize() {
            return page.size() + (bitCount > 0 ? 1 : 0);
        }

        @Override
        protected BytesInput plainValues() {
            if (bitCount > 0) {
                page.putByte(bits);
                bits = 0;
                bitCount = 0;
            }
            return page.toBytesInput();
        }

        @Override
        protected BytesInput dictionaryIds() {
            throw new IllegalStateException("booleans have no dictionary");
        }

        @Override
        protected void fallBackToPlain() {
            throw new IllegalStateException("booleans have no dictionary");
        }

        @Override
        protected void resetPage() {
            page.release();
            bits = 0;
            bitCount = 0;
        }

        @Override
        protected long dictionaryBytes() {
            return 0;
        }

        @Override
        protected int dictionaryEntries() {
            return 0;
        }

        @Override
        protected BytesInput dictionaryPage() {
            throw new IllegalStateException("booleans have no dictionary");
        }
    }

    /**
     * BINARY (text) and FIXED_LEN_BYTE_ARRAY (decimals wider than a long) values, given as slices of one array. With the
     * dictionary, each value is hashed once over those bytes and looked up among the chunk's distinct values, which are held
     * PLAIN-encoded, as the dictionary page wants them; a page's statistics see each distinct value of it once, compared as the
     * column's type orders them (a DECIMAL's bytes as signed integers, parquet-java's {@code PrimitiveType.comparator()}).
     * PLAIN encoding writes a BINARY value's 4-byte length before it, and a FIXED_LEN_BYTE_ARRAY value's bytes alone.
     */
    static final class Text extends ColumnChunkWriter {
        /** Bytes of the length PLAIN encoding writes before each value: 4, or 0 for FIXED_LEN_BYTE_ARRAY. */
        private final int lengthBytes;
        private final Bytes page = new Bytes();
        private int[] ids = new int[INITIAL_PAGE_CAPACITY];
        private int idCount;
        private long plainSize;
        private BinaryDictionary entries;
        /** The ids the open page holds, once each, for its statistics; and for each id the last page it was seen in. */
        private int[] pageEntries = new int[INITIAL_PAGE_CAPACITY];
        private int pageEntryCount;
        private int[] seenInPage = new int[INITIAL_PAGE_CAPACITY];
        private int pageNumber = 1;

        Text(ColumnDescriptor column, PageWriter pages, boolean dictionary, int pageSize, int pageRowLimit, int dictionaryPageSize) {
            super(column, pages, dictionary, pageSize, pageRowLimit, dictionaryPageSize);
            this.lengthBytes = column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? 0 : 4;
            this.entries = new BinaryDictionary(lengthBytes > 0);
        }

        /** Writes rows {@code from} to {@code to} of a FIXED_LEN_BYTE_ARRAY column: row {@code r}'s value is {@code width} bytes at {@code r * width}. */
        void writeFixedWidth(byte[] bytes, int width, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    add(bytes, row * width, width);
                }
                valueAdded(!nulls[row]);
            }
        }

        /** Writes rows {@code from} to {@code to}: row {@code r}'s value is {@code bytes[start(r), ends[r])}. */
        void writeSlices(byte[] bytes, int[] ends, boolean[] nulls, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                if (!nulls[row]) {
                    int start = row == 0 ? 0 : ends[row - 1];
                    add(bytes, start, ends[row] - start);
                }
                valueAdded(!nulls[row]);
            }
        }

        private void add(byte[] bytes, int start, int length) throws IOException {
            if (dictionary) {
                int hash = BinaryDictionary.hash(bytes, start, length);
                int id = entries.idOf(bytes, start, length, hash);
                if (id < 0 && entries.plainBytes() + lengthBytes + length > dictionaryPageSize) {
                    if (pageValues > 0) {
                        writePage();
                    }
                    dictionary = false;
                }
                else {
                    if (id < 0) {
                        id = entries.add(bytes, start, length, hash);
                        if (id == seenInPage.length) {
                            seenInPage = Arrays.copyOf(seenInPage, 2 * seenInPage.length);
                        }
                    }
                    if (seenInPage[id] != pageNumber) {
                        seenInPage[id] = pageNumber;
                        if (pageEntryCount == pageEntries.length) {
                            pageEntries = Arrays.copyOf(pageEntries, 2 * pageEntries.length);
                        }
                        pageEntries[pageEntryCount++] = id;
                    }
                    if (idCount == ids.length) {
                        ids = Arrays.copyOf(ids, 2 * ids.length);
                    }
                    ids[idCount++] = id;
                    plainSize += lengthBytes + length;
                    pageBytes += 4;
                    return;
                }
            }
            statistics.updateStats(Binary.fromReusedByteArray(bytes, start, length));
            if (lengthBytes > 0) {
                page.putInt(length);
            }
            page.put(bytes, start, length);
            pageBytes += lengthBytes + length;
        }

        /** Bytes of the open page's values buffer, whatever it holds: what the column keeps of a page. */
        int pageBufferBytes() {
            return page.array().length;
        }

        @Override
        protected long plainSize() {
            return dictionary ? plainSize : page.size();
        }

        @Override
        protected BytesInput plainValues() {
            return page.toBytesInput();
        }

        @Override
        protected BytesInput dictionaryIds() {
            // The page's statistics, from its distinct values.
            for (int i = 0; i < pageEntryCount; i++) {
                statistics.updateStats(entries.valueOf(pageEntries[i]));
            }
            pageEntryCount = 0;
            return encodeIds(ids, idCount, entries.size());
        }

        @Override
        protected void fallBackToPlain() {
            for (int i = 0; i < idCount; i++) {
                int length = entries.lengthOf(ids[i]);
                if (lengthBytes > 0) {
                    page.putInt(length);
                }
                page.put(entries.array(), entries.offsetOf(ids[i]), length);
            }
            pageBytes = page.size();
            idCount = 0;
            dictionary = false;
            if (!dictionaryPagesWritten) {
                entries = new BinaryDictionary(lengthBytes > 0);
            }
        }

        @Override
        protected void resetPage() {
            page.release();
            idCount = 0;
            plainSize = 0;
            pageEntryCount = 0;
            pageNumber++;
        }

        @Override
        protected long dictionaryBytes() {
            return entries.plainBytes();
        }

        @Override
        protected int dictionaryEntries() {
            return entries.size();
        }

        @Override
        protected BytesInput dictionaryPage() {
            return entries.plain();
        }
    }
}
