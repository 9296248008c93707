package dev.medallion.trino;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.parquet.ParquetPartWriter;
import dev.medallion.silver.parquet.ParquetSchemas;
import dev.medallion.silver.parquet.RowBatch;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import io.airlift.slice.Slices;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.parquet.AbstractParquetDataSource;
import io.trino.parquet.Field;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.ParquetTypeUtils;
import io.trino.parquet.predicate.PredicateUtils;
import io.trino.parquet.predicate.TupleDomainParquetPredicate;
import io.trino.parquet.reader.MetadataReader;
import io.trino.parquet.reader.ParquetReader;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarcharType;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.format.converter.ParquetMetadataConverterUtil;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.schema.MessageType;
import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Silver's Parquet, written by the converter's own writer, read by Trino's own Parquet reader (trino-parquet, the library
 * Trino's Hive connector reads Parquet with, and Athena engine v3 is built on Trino): every column type and physical type
 * silver writes, dictionary-encoded and plain, nulls and each decimal precision's extremes, over several row groups, must
 * read as parquet-java reads them, with both of Trino's readers of flat columns; and Trino's pruning of row groups by
 * their statistics must keep every row group that holds a value asked for.
 */
class TrinoParquetReaderTest {
    private static final String MAX_38 = "9".repeat(38);
    /** Every type silver writes, and each physical type of a decimal: INT32 (1-9), INT64 (10-18), FIXED_LEN_BYTE_ARRAY (19-38). */
    private static final SchemaContract CONTRACT = new SchemaContract("ledger", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("flag", ColumnType.BOOLEAN, "flag"),
            new Column("ratio", ColumnType.DOUBLE, "ratio"),
            new Column("day", ColumnType.DATE, "day"),
            new Column("at", ColumnType.TIMESTAMP, "at"),
            new Column("region", ColumnType.STRING, "region"),
            new Column("d1", ColumnType.decimal(1, 0), "d1"),
            new Column("d9", ColumnType.decimal(9, 2), "d9"),
            new Column("d10", ColumnType.decimal(10, 0), "d10"),
            new Column("d16", ColumnType.decimal(16, 2), "d16"),
            new Column("d17", ColumnType.decimal(17, 0), "d17"),
            new Column("d18", ColumnType.decimal(18, 18), "d18"),
            new Column("d19", ColumnType.decimal(19, 4), "d19"),
            new Column("d21", ColumnType.decimal(21, 0), "d21"),
            new Column("d38", ColumnType.decimal(38, 0), "d38"),
            new Column("d38s", ColumnType.decimal(38, 38), "d38s")), "ledger/a.csv", "2026-01-01T00:00:00Z");

    /**
     * Row groups of rows, each value repeated so that a dictionary pays: the first group holds the positive extremes, the
     * second the negative ones (so a FIXED_LEN_BYTE_ARRAY's bytes, compared unsigned, would order them the other way), the
     * third small values of both signs and nulls.
     */
    private static final List<List<List<String>>> GROUPS = List.of(
            repeated(List.of(
                    List.of("1", "true", "1.5", "2026-03-01", "2026-03-01 12:34:56.789", "north", "9", "9999999.99", "9999999999",
                            "99999999999999.99", "99999999999999999", "0.999999999999999999", "999999999999999.9999", "9".repeat(21),
                            MAX_38, "0." + MAX_38),
                    List.of("2", "false", "2.25", "1970-01-01", "1970-01-01 00:00:00", "south", "8", "0.01", "1", "0.01", "1",
                            "0.000000000000000001", "0.0001", "9223372036854775808", "664613997892457936451903530140172288",
                            "0." + "0".repeat(37) + "1"))),
            repeated(List.of(
                    List.of("3", "true", "-1.5", "1900-01-01", "1900-01-01 00:00:00.001", "east", "-9", "-9999999.99", "-9999999999",
                            "-99999999999999.99", "-99999999999999999", "-0.999999999999999999", "-999999999999999.9999",
                            "-" + "9".repeat(21), "-" + MAX_38, "-0." + MAX_38),
                    List.of("4", "false", "-2.25", "2099-12-31", "2099-12-31 23:59:59.999", "west", "-1", "-0.01", "-1", "-0.01", "-1",
                            "-0.000000000000000001", "-0.0001", "-9223372036854775809", "-664613997892457936451903530140172289",
                            "-0." + "0".repeat(37) + "1"))),
            repeated(List.of(
                    List.of("5", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""),
                    List.of("6", "true", "0", "2026-12-06", "2026-12-06 02:20:00", "north", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                            "0"),
                    List.of("7", "false", "-0.5", "2026-12-07", "2026-12-07 00:00:00.5", "south", "1", "-123.45", "-42",
                            "-12345678901234.56", "12345678901234567", "-0.5", "-922337203685477.5808",
                            "-9223372036854775808", "-1", "-0.5"))));

    @TempDir
    Path directory;

    /**
     * trino-parquet's hive-apache holds parquet-java 1.12.3's classes under the same names as parquet-java's own: the pom
     * puts parquet-java's jars first, so that the converter writes as it does in its Lambda jar. Were the order to change, the
     * files under test would be another writer's.
     */
    @Test
    void parquetJavaServesItsOwnClassesNotHiveApachesCopies() throws IOException {
        for (Class<?> each : List.of(org.apache.parquet.hadoop.ParquetFileWriter.class, org.apache.parquet.column.ColumnDescriptor.class,
                org.apache.parquet.format.converter.ParquetMetadataConverter.class, org.apache.parquet.format.FileMetaData.class,
                org.apache.parquet.schema.MessageType.class)) {
            String jar = each.getProtectionDomain().getCodeSource().getLocation().toString();
            assertTrue(jar.matches(".*/parquet-[a-z-]+-[0-9.]+\\.jar"),
                    each.getName() + " comes from " + jar);
            assertFalse(jar.contains("hive-apache"), each.getName() + " comes from " + jar);
        }
        // Every one of hive-apache's parquet classes that a parquet-java jar holds too (parquet-common's, parquet-encoding's and
        // parquet-avro's as well as the ones above): the class path's first copy, the one loaded, must be parquet-java's.
        String hiveApache = ParquetMetadataConverterUtil.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(hiveApache.contains("hive-apache"), "ParquetMetadataConverterUtil, which parquet-java lacks, comes from " + hiveApache);
        ClassLoader loader = getClass().getClassLoader();
        List<String> servedByHiveApache = new ArrayList<>();
        int shared = 0;
        try (JarFile jar = new JarFile(hiveApache)) {
            for (String name : jar.stream().map(JarEntry::getName).filter(entry -> entry.startsWith("org/apache/parquet/") && entry.endsWith(".class")).toList()) {
                List<URL> copies = Collections.list(loader.getResources(name));
                if (copies.size() > 1) {
                    shared++;
                    if (copies.get(0).toString().contains("hive-apache")) {
                        servedByHiveApache.add(name);
                    }
                }
            }
        }
        assertTrue(shared > 1000, "hive-apache's parquet classes that parquet-java holds too: " + shared);
        assertEquals(List.of(), servedByHiveApache, "loaded from hive-apache, not parquet-java");
    }

    @Test
    void trinoReadsEveryColumnAsParquetJavaDoesWithADictionaryAndPlain() throws IOException {
        for (boolean plain : new boolean[] {false, true}) {
            Path file = write(plain);
            assertEncodings(file, plain);
            List<List<String>> expected = expected();
            assertEquals(expected, readWithParquetJava(file), "parquet-java" + (plain ? ", written plain" : ", with dictionaries"));
            for (boolean batched : new boolean[] {true, false}) {
                assertEquals(expected, readWithTrino(file, batched),
                        (plain ? "written plain" : "with dictionaries") + ", Trino's " + (batched ? "batched" : "older") + " reader");
            }
        }
    }

    @Test
    void trinosStatisticsPruningKeepsEveryRowGroupHoldingAValueAndDropsOnesThatCannot() throws IOException {
        for (boolean plain : new boolean[] {false, true}) {
            Path file = write(plain);
            try (ParquetDataSource source = new FileDataSource(file)) {
                ParquetMetadata footer = MetadataReader.readFooter(source, Optional.empty());
                MessageType schema = footer.getFileMetaData().getSchema();
                Map<List<String>, ColumnDescriptor> descriptors = ParquetTypeUtils.getDescriptors(schema, schema);
                List<BlockMetaData> rowGroups = footer.getBlocks();
                assertEquals(GROUPS.size(), rowGroups.size(), "row groups");
                for (int c = 1; c < CONTRACT.columns().size(); c++) {
                    Column column = CONTRACT.columns().get(c);
                    ColumnDescriptor descriptor = descriptors.get(List.of(column.name()));
                    Type type = trinoType(column.type());
                    for (int g = 0; g < rowGroups.size(); g++) {
                        for (List<String> row : GROUPS.get(g)) {
                            Object value = trinoValue(column.type(), row.get(c));
                            if (value == null) {
                                continue;
                            }
                            assertTrue(matches(source, descriptors, rowGroups.get(g), descriptor, Domain.singleValue(type, value)),
                                    column.name() + " = " + row.get(c) + ": Trino skipped row group " + g + " that holds it"
                                            + (plain ? " (plain)" : " (dictionary)"));
                        }
                    }
                }
                // Not a test that cannot fail: a value outside a row group's range drops it. The positive extremes' group
                // holds no negative decimal, the negative extremes' group no positive one.
                for (String name : List.of("d1", "d9", "d10", "d16", "d17", "d18", "d19", "d21", "d38", "d38s")) {
                    Column column = CONTRACT.columns().stream().filter(each -> each.name().equals(name)).findFirst().orElseThrow();
                    ColumnDescriptor descriptor = descriptors.get(List.of(name));
                    Type type = trinoType(column.type());
                    // The negative value nearest zero at the column's scale: -1, -0.01, ...
                    String nearestNegative = BigDecimal.ONE.negate().movePointLeft(column.type().scale()).toPlainString();
                    assertFalse(matches(source, descriptors, rowGroups.get(0), descriptor,
                            Domain.singleValue(type, trinoValue(column.type(), nearestNegative))),
                            name + ": a negative value kept the group of positive ones");
                }
            }
        }
    }

    private static boolean matches(ParquetDataSource source, Map<List<String>, ColumnDescriptor> descriptors, BlockMetaData rowGroup,
            ColumnDescriptor descriptor, Domain domain) throws IOException {
        TupleDomain<ColumnDescriptor> tupleDomain = TupleDomain.withColumnDomains(Map.of(descriptor, domain));
        TupleDomainParquetPredicate predicate = new TupleDomainParquetPredicate(tupleDomain, List.of(descriptor), DateTimeZone.UTC);
        return PredicateUtils.predicateMatches(predicate, rowGroup, source, descriptors, tupleDomain, Optional.empty(), Optional.empty(),
                DateTimeZone.UTC, 100);
    }

    private Path write(boolean plain) throws IOException {
        Files.deleteIfExists(directory.resolve("part.parquet"));
        Set<String> plainColumns = new HashSet<>();
        if (plain) {
            CONTRACT.columns().forEach(column -> plainColumns.add(column.name()));
        }
        // A row group's target of one byte: each batch written ends its row group.
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(CONTRACT),
                1L, plainColumns);
        int[] fields = IntStream.range(0, CONTRACT.columns().size()).toArray();
        for (List<List<String>> group : GROUPS) {
            RowBatch batch = new RowBatch(CONTRACT);
            for (List<String> row : group) {
                assertNull(batch.append(row::get, fields), row.toString());
            }
            part.write(batch);
        }
        part.finish();
        part.upload().publish();
        return directory.resolve("part.parquet");
    }

    /** The test covers what it says: every column dictionary-encoded in every row group, or none. */
    private static void assertEncodings(Path file, boolean plain) throws IOException {
        for (BlockMetaData rowGroup : ParquetTestFiles.rowGroups(file)) {
            for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
                Set<Encoding> encodings = chunk.getEncodings();
                boolean dictionary = encodings.contains(Encoding.PLAIN_DICTIONARY) || encodings.contains(Encoding.RLE_DICTIONARY);
                // Booleans are never dictionary-encoded, nor ids, which are mostly distinct (written plain by the converter's choice).
                if (!Set.of("flag", "id").contains(chunk.getPrimitiveType().getName())) {
                    assertEquals(!plain, dictionary, chunk.getPath() + " " + encodings);
                }
            }
        }
    }

    /** The rows written, each value in the text both readers' values are turned into: the CSV's values, typed. */
    private static List<List<String>> expected() {
        List<List<String>> rows = new ArrayList<>();
        for (List<List<String>> group : GROUPS) {
            for (List<String> row : group) {
                List<String> typed = new ArrayList<>();
                for (int c = 0; c < row.size(); c++) {
                    ColumnType type = CONTRACT.columns().get(c).type();
                    String value = row.get(c);
                    typed.add(value.isEmpty() ? null : switch (type.kind()) {
                        case DOUBLE -> Double.valueOf(value).toString();
                        case DATE -> LocalDate.parse(value).toString();
                        case TIMESTAMP -> LocalDateTime.parse(value.replace(' ', 'T')).toString();
                        case DECIMAL -> new BigDecimal(value).setScale(type.scale()).toPlainString();
                        default -> value;
                    });
                }
                rows.add(typed);
            }
        }
        return rows;
    }

    private static List<List<String>> readWithParquetJava(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (GenericRecord record : ParquetTestFiles.readAll(file)) {
            List<String> row = new ArrayList<>();
            for (Column column : CONTRACT.columns()) {
                Object value = record.get(column.name());
                row.add(value == null ? null : switch (column.type().kind()) {
                    case DECIMAL -> ((BigDecimal) value).toPlainString();
                    case DATE -> ((LocalDate) value).toString();
                    case TIMESTAMP -> ((LocalDateTime) value).toString();
                    default -> value.toString();
                });
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> readWithTrino(Path file, boolean batched) throws IOException {
        ParquetReaderOptions options = new ParquetReaderOptions().withBatchColumnReaders(batched);
        List<List<String>> rows = new ArrayList<>();
        try (ParquetDataSource source = new FileDataSource(file)) {
            ParquetMetadata footer = MetadataReader.readFooter(source, Optional.empty());
            MessageType schema = footer.getFileMetaData().getSchema();
            MessageColumnIO columnIO = ParquetTypeUtils.getColumnIO(schema, schema);
            List<Field> fields = new ArrayList<>();
            for (Column column : CONTRACT.columns()) {
                fields.add(ParquetTypeUtils.constructField(trinoType(column.type()), ParquetTypeUtils.lookupColumnByName(columnIO, column.name()))
                        .orElseThrow());
            }
            List<Long> firstRows = new ArrayList<>();
            long first = 0;
            for (BlockMetaData rowGroup : footer.getBlocks()) {
                firstRows.add(first);
                first += rowGroup.getRowCount();
            }
            try (ParquetReader reader = new ParquetReader(Optional.ofNullable(footer.getFileMetaData().getCreatedBy()), fields, footer.getBlocks(),
                    firstRows, source, DateTimeZone.UTC, AggregatedMemoryContext.newSimpleAggregatedMemoryContext(), options,
                    exception -> new RuntimeException(exception))) {
                for (Page page = reader.nextPage(); page != null; page = reader.nextPage()) {
                    Block[] blocks = new Block[fields.size()];
                    for (int c = 0; c < fields.size(); c++) {
                        blocks[c] = reader.readBlock(fields.get(c));
                    }
                    for (int position = 0; position < page.getPositionCount(); position++) {
                        List<String> row = new ArrayList<>();
                        for (int c = 0; c < fields.size(); c++) {
                            row.add(text(CONTRACT.columns().get(c).type(), blocks[c], position));
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private static Type trinoType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> BooleanType.BOOLEAN;
            case BIGINT -> BigintType.BIGINT;
            case DOUBLE -> DoubleType.DOUBLE;
            case DATE -> DateType.DATE;
            case TIMESTAMP -> TimestampType.TIMESTAMP_MILLIS;
            case STRING -> VarcharType.VARCHAR;
            case DECIMAL -> DecimalType.createDecimalType(type.precision(), type.scale());
        };
    }

    /** A value as Trino's blocks hold it, in the same text parquet-java's is turned into. */
    private static String text(ColumnType type, Block block, int position) {
        if (block.isNull(position)) {
            return null;
        }
        Type trino = trinoType(type);
        return switch (type.kind()) {
            case BOOLEAN -> Boolean.toString(trino.getBoolean(block, position));
            case BIGINT -> Long.toString(trino.getLong(block, position));
            case DOUBLE -> Double.toString(trino.getDouble(block, position));
            case DATE -> LocalDate.ofEpochDay(trino.getLong(block, position)).toString();
            // TIMESTAMP(3) is held as microseconds since the epoch.
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(Math.floorDiv(trino.getLong(block, position), 1_000_000L),
                    (int) Math.floorMod(trino.getLong(block, position), 1_000_000L) * 1000, ZoneOffset.UTC).toString();
            case STRING -> trino.getSlice(block, position).toStringUtf8();
            case DECIMAL -> ((DecimalType) trino).isShort()
                    ? BigDecimal.valueOf(trino.getLong(block, position), type.scale()).toPlainString()
                    : new BigDecimal(((Int128) trino.getObject(block, position)).toBigInteger(), type.scale()).toPlainString();
        };
    }

    /** A CSV value as Trino's predicates take it, or null for an empty one. */
    private static Object trinoValue(ColumnType type, String value) {
        if (value.isEmpty()) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> Boolean.valueOf(value);
            case BIGINT -> Long.valueOf(value);
            case DOUBLE -> Double.valueOf(value);
            case DATE -> LocalDate.parse(value).toEpochDay();
            case TIMESTAMP -> {
                LocalDateTime at = LocalDateTime.parse(value.replace(' ', 'T'));
                yield at.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + at.getNano() / 1000;
            }
            case STRING -> Slices.utf8Slice(value);
            case DECIMAL -> {
                BigInteger unscaled = new BigDecimal(value).setScale(type.scale()).unscaledValue();
                yield type.precision() <= 18 ? (Object) unscaled.longValueExact() : Int128.valueOf(unscaled);
            }
        };
    }

    private static List<List<String>> repeated(List<List<String>> rows) {
        List<List<String>> repeated = new ArrayList<>();
        for (int copy = 0; copy < 50; copy++) {
            for (List<String> row : rows) {
                List<String> one = new ArrayList<>(row);
                one.set(0, Long.toString(Long.parseLong(row.get(0)) * 1000 + copy));
                repeated.add(one);
            }
        }
        return repeated;
    }

    /** A local file as Trino's reader reads one: positioned reads. */
    private static final class FileDataSource extends AbstractParquetDataSource {
        private final RandomAccessFile input;

        FileDataSource(Path file) throws IOException {
            super(new ParquetDataSourceId(file.toString()), Files.size(file), new ParquetReaderOptions());
            this.input = new RandomAccessFile(file.toFile(), "r");
        }

        @Override
        protected void readInternal(long position, byte[] buffer, int offset, int length) throws IOException {
            input.seek(position);
            input.readFully(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            input.close();
        }
    }
}
