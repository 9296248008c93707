package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.catalog.GlueSilverCatalog;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.glue.GlueClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file read as several byte ranges at once converts to exactly what reading it as one stream gives:
 * the same rows in the same order, the same refused rows with the same line numbers, the same counts;
 * and where the ranges cannot be trusted (a boundary inside a quoted field, a refusal in a later range)
 * the conversion reads the file as one stream instead.
 */
class RangeConversionTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String KEY = "orders/2026/orders.csv";
    private static final String HEADER = "order_id,customer,amount,note\r\n";

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path directory;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        directory = Files.createDirectories(temporary.resolve("lake"));
    }

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @Test
    void threeRangesConvertAsOneStreamDoes() throws Exception {
        byte[] file = orders(30_000, "");
        Converted ranges = convert("ranges", file, 3);
        Converted whole = convert("whole", file, 1);

        assertEquals(3, ranges.manifest().parts().size(), "each range writes a part of its own");
        assertEquals(1, whole.manifest().parts().size());
        assertSameConversion(whole, ranges);
        assertTrue(whole.manifest().rowsQuarantined() > 40, "refused rows in every range: " + whole.manifest().rowsQuarantined());
        assertFalse(log().contains("byte ranges given up"), log());
        // The readers and each range's writer end with the run: a warm environment converts object after object.
        assertEquals(List.of(), ConverterThreads.live());
    }

    /**
     * Of the rows quarantined, those refused for a value that does not fit its type are counted apart from those
     * of another number of fields, in ranges as in one stream: the local commands name the contract for the first only.
     */
    @Test
    void rowsRefusedForTheirTypesAreCountedApartInRangesAsInOneStream() throws Exception {
        byte[] file = orders(30_000, "");
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from)));

        ConversionResult ranges = converter(new LocalObjectStore(directory.resolve("ranges")), 3, limits()).convert(source(file), "orders", content);
        ConversionResult whole = converter(new LocalObjectStore(directory.resolve("whole")), 1, limits()).convert(source(file), "orders", content);

        assertEquals(3, ranges.manifest().parts().size(), "read in three ranges");
        // Every 1,499th order has an amount of n/a, every 997th lacks two fields: 20 and 30 of 30,000.
        assertEquals(50, whole.manifest().rowsQuarantined());
        assertEquals(20, whole.rowsQuarantinedForTypes());
        assertEquals(50, ranges.manifest().rowsQuarantined());
        assertEquals(20, ranges.rowsQuarantinedForTypes());
    }

    @Test
    void aQuotedLineBreakAtTheCutIsPassedOverByTheGuess() throws Exception {
        // A note whose lines do not parse as orders, where the file is cut in two.
        String note = "\"delivered to the back door\nring twice\nleave with the neighbour\nthanks\"";
        byte[] file = ordersWithNoteAtMiddle(note);
        Converted ranges = convert("ranges", file, 2);
        Converted whole = convert("whole", file, 1);

        assertEquals(2, ranges.manifest().parts().size(), log());
        assertSameConversion(whole, ranges);
        assertTrue(rows(ranges).stream().anyMatch(row -> String.valueOf(row.get("note")).contains("ring twice\nleave")));
    }

    @Test
    void aQuotedFieldThatLooksLikeOrdersAcrossTheCutMakesItOneStream() throws Exception {
        // Every line of the note parses as an order with four fields: the guess takes one, the first range ends inside the quotes.
        StringBuilder note = new StringBuilder("\"pasted from the old system:");
        for (int i = 0; i < 2_000; i++) {
            note.append("\n").append(900_000 + i).append(",ACME,12.50,copy");
        }
        byte[] file = ordersWithNoteAtMiddle(note.append("\"").toString());
        Converted ranges = convert("ranges", file, 2);
        Converted whole = convert("whole", file, 1);

        assertTrue(log().contains("byte ranges given up") && log().contains("fell inside a quoted field"), log());
        assertEquals(1, ranges.manifest().parts().size(), "converted as one stream");
        assertSameConversion(whole, ranges);
        assertTrue(rows(ranges).stream().anyMatch(row -> String.valueOf(row.get("note")).contains("\n901999,ACME,12.50,copy")));
    }

    @Test
    void uploadsOfRangesGivenUpThatCannotBeAbortedAreLogged() throws Exception {
        StringBuilder note = new StringBuilder("\"pasted from the old system:");
        for (int i = 0; i < 2_000; i++) {
            note.append("\n").append(900_000 + i).append(",ACME,12.50,copy");
        }
        byte[] file = ordersWithNoteAtMiddle(note.append("\"").toString());
        HookedStore silver = new HookedStore(new LocalObjectStore(directory.resolve("unabortable")), new HookedStore.Hooks() {
            @Override
            public void beforeAbort(String key) {
                throw new UncheckedIOException(new IOException("Could not abort multipart upload of " + key + ": connection reset"));
            }
        });
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), limits(), new RangeReading(2, 64 * 1024), CsvOverrides.none(),
                SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        ConversionResult result = converter.convert(source(file), "orders", SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from))));

        // The one stream converts the file; the failed aborts, carried by no failure, are in the log.
        assertEquals(20_001, result.manifest().rowsRead(), log());
        assertEquals(1, result.manifest().parts().size(), "converted as one stream");
        assertTrue(log().contains("byte ranges given up"), log());
        assertTrue(log().contains("uploads of the byte ranges given up could not be aborted") && log().contains("connection reset")
                && log().contains("\"dataset\":\"orders\""), log());
    }

    @Test
    void aFileNoneOfWhoseColumnsIsInTheContractIsRejectedReadInRangesAsInOneStream() throws Exception {
        Path root = directory.resolve("foreign");
        LocalObjectStore silver = new LocalObjectStore(root);
        byte[] first = orders(100, "");
        converter(silver, 2, limits()).convert(source(first), "orders", SilverConverter.Content.of(() -> new ByteArrayInputStream(first),
                (from, to) -> new ByteArrayInputStream(first, (int) from, (int) (to - from))));
        List<String> before = files(silver);
        StringBuilder products = new StringBuilder("product_id,product_name,list_price\r\n");
        for (int i = 0; i < 30_000; i++) {
            products.append(1_000 + i).append(",Lamp ").append(i % 40).append(',').append(i % 90).append(".50\r\n");
        }
        byte[] file = products.toString().getBytes(StandardCharsets.UTF_8);

        ConversionResult result = converter(silver, 2, limits()).convert(new SourceObject("bronze", "orders/products.csv", "e".repeat(32), file.length,
                Instant.parse("2026-11-30T09:00:00Z")), "orders", SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                        (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from))));

        assertEquals(Manifest.REJECTED, result.manifest().status(), log());
        assertTrue(result.manifest().reason().startsWith("Most of the file's columns are not in dataset orders's schema contract: 3 of the 3 columns of"), result.manifest().reason());
        List<String> after = new ArrayList<>(files(silver));
        after.remove(result.manifestKey());
        assertEquals(before, after, "nothing but the rejection's manifest");
        assertEquals(List.of(), ConverterThreads.live());
    }

    @Test
    void aFileRefusedInALaterRangeIsRefusedAsOneStreamRefusesIt() throws Exception {
        byte[] good = orders(30_000, "");
        // Bytes that are not UTF-8, three quarters into the file.
        int at = good.length * 3 / 4;
        byte[] file = new byte[good.length + 1];
        System.arraycopy(good, 0, file, 0, at);
        file[at] = (byte) 0xC3;
        file[at + 1] = (byte) 0x28;
        System.arraycopy(good, at + 1, file, at + 2, good.length - at - 1);
        Converted ranges = convert("ranges", file, 3);
        Converted whole = convert("whole", file, 1);

        assertEquals(Manifest.REJECTED, whole.manifest().status());
        assertEquals(whole.manifest().reason(), ranges.manifest().reason());
        assertTrue(ranges.manifest().reason().contains("line "), ranges.manifest().reason());
        assertEquals(List.of(), ranges.files().stream().filter(name -> name.endsWith(".parquet")).toList());
    }

    @Test
    void moreRefusedRowsInALaterRangeThanItMayHoldMakeItOneStream() throws Exception {
        // Every row of the second half is refused: more than the range may hold before its lines are known.
        byte[] file = orders(30_000, "second half refused");
        Converted ranges = convert("ranges", file, 2, new ConversionLimits(1_000, 256 * 1024, 128L << 20, 32L << 20));
        Converted whole = convert("whole", file, 1, new ConversionLimits(1_000, 256 * 1024, 128L << 20, 32L << 20));

        assertTrue(log().contains("refused more rows than it holds"), log());
        assertSameConversion(whole, ranges);
        assertTrue(whole.manifest().rowsQuarantined() > 14_000);
    }

    @Test
    void aFirstRangeShorterThanTheRowsTheContractIsInferredFromMakesItOneStream() throws Exception {
        // Quantities are whole numbers but one, in the second of three ranges and still among the first chunk's 5,000 rows,
        // from which one stream infers the contract: quantity is a double there. The first range alone holds about 2,000.
        StringBuilder csv = new StringBuilder("id,quantity,note\r\n");
        for (int i = 1; i <= 6_000; i++) {
            csv.append(i).append(',').append(i == 3_000 ? "2.5" : String.valueOf(i % 50)).append(",packed by team ").append(i % 7).append("\r\n");
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        ConversionLimits limits = new ConversionLimits(5_000, 8L << 20, 128L << 20, 32L << 20);
        Converted ranges = convert("ranges", file, 3, limits);
        Converted whole = convert("whole", file, 1, limits);

        assertEquals(ColumnType.DOUBLE, whole.manifest().columns().get(1).type());
        assertTrue(log().contains("byte ranges given up") && log().contains("inside the rows the schema contract is inferred from"), log());
        assertSameConversion(whole, ranges);
        assertEquals(0, ranges.manifest().rowsQuarantined());
    }

    @Test
    void aCutInsideTheRowThatFillsTheContractsSampleMakesItOneStreamBeforeTheContractIsInferred() throws Exception {
        // Quantities are whole numbers but the one after a long note, in the row that fills the first chunk, from which one stream
        // infers quantity a double. The cut falls inside that note, whose lines look like rows: the first range reads the row cut
        // short, two fields, which inference leaves out; a contract inferred then would type quantity bigint and refuse the 2.5.
        int before = 6_000;
        StringBuilder csv = new StringBuilder("id,note,quantity\r\n");
        for (int i = 1; i <= before; i++) {
            csv.append(i).append(",packed,").append(i % 50).append("\r\n");
        }
        csv.append(before + 1).append(",\"pasted from the old system:");
        for (int i = 0; i < 8_000; i++) {
            csv.append('\n').append(900_000 + i).append(",copy,").append(i % 50);
        }
        csv.append("\",2.5\r\n");
        for (int i = before + 2; i <= 2 * before; i++) {
            csv.append(i).append(",packed,").append(i % 50).append("\r\n");
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        ConversionLimits limits = new ConversionLimits(before + 1, 8L << 20, 128L << 20, 32L << 20);
        Converted ranges = convert("ranges", file, 2, limits);
        Converted whole = convert("whole", file, 1, limits);

        assertEquals(ColumnType.DOUBLE, whole.manifest().columns().get(2).type());
        assertEquals(ColumnType.DOUBLE, ranges.manifest().columns().get(2).type(), "the contract one stream infers");
        assertEquals(0, ranges.manifest().rowsQuarantined());
        assertSameConversion(whole, ranges);
        assertTrue(log().contains("byte ranges given up") && log().contains("ends inside a quoted field of the rows the schema contract is inferred from"), log());
    }

    @Test
    void aRunOfBlankLinesIsNotCut() throws Exception {
        // 200,000 blank lines in the middle: more characters without a row than the reader allows between two rows (125,538
        // at a MAX_ROW_CHARS of 20,000), so one stream rejects the file. Cut in the middle of the run, each range would hold
        // half of it, under the bound, and convert the file.
        byte[] orders = orders(10_000, "");
        byte[] file = new byte[orders.length + 200_000 + orders.length - HEADER.length()];
        System.arraycopy(orders, 0, file, 0, orders.length);
        Arrays.fill(file, orders.length, orders.length + 200_000, (byte) '\n');
        System.arraycopy(orders, HEADER.length(), file, orders.length + 200_000, orders.length - HEADER.length());
        ConversionLimits limits = limits().withMaxRowChars(20_000);
        Converted ranges = convert("ranges", file, 2, limits);
        Converted whole = convert("whole", file, 1, limits);

        assertEquals(Manifest.REJECTED, whole.manifest().status(), whole.manifest().reason());
        assertEquals(whole.manifest().reason(), ranges.manifest().reason());
    }

    /**
     * A Ctrl-Z ending the text, then line breaks, as many as the rows before it: the cut at half the file falls on the Ctrl-Z,
     * and the only line feed after it that ends a line with something in it is the Ctrl-Z's own. A range starting there would
     * hold line breaks alone and leave the Ctrl-Z as the last line of a range the file goes on after, where it is data: one row
     * more than one stream reads, quarantined for its one field. The last range holds the Ctrl-Z instead, as the stream does.
     */
    @Test
    void aCutRightAfterAFinalDosEndOfFileMarkerFollowedByLineBreaksReadsNoRowOfIt() throws Exception {
        byte[] orders = orders(6_000, "");
        // The file is 2 * orders.length + 2 bytes, so the cut, at half of it, is the byte after the Ctrl-Z, and its probe starts on it.
        byte[] file = new byte[2 * orders.length + 2];
        System.arraycopy(orders, 0, file, 0, orders.length);
        file[orders.length] = 0x1a;
        file[orders.length + 1] = '\r';
        Arrays.fill(file, orders.length + 2, file.length, (byte) '\n');
        Converted ranges = convert("ranges", file, 2);
        Converted whole = convert("whole", file, 1);

        assertEquals(6_000, whole.manifest().rowsRead(), "one stream: the Ctrl-Z ends the text");
        assertSameConversion(whole, ranges);
    }

    /**
     * As above, but with more blank lines after the Ctrl-Z than the probe after the cut reads (1 MiB): the probe cannot see that
     * the file ends in them, so that test of line breaks alone to the end does not apply. A range starting after the Ctrl-Z's
     * line would leave the Ctrl-Z as the last line of a range the file goes on after, where it is data: a row quarantined for its
     * one field in a file of several columns, a row of the table holding U+001A in a file of one, where one stream reads none.
     */
    @ParameterizedTest(name = "[{index}] {0} column(s)")
    @CsvSource({"several", "one"})
    void aCutRightAfterAFinalDosEndOfFileMarkerFollowedByMoreThanAProbeOfLineBreaksReadsNoRowOfIt(String columns) throws Exception {
        byte[] rows;
        if (columns.equals("several")) {
            rows = orders(40_000, "");
        }
        else {
            StringBuilder codes = new StringBuilder("code\r\n");
            for (int i = 0; i < 150_000; i++) {
                codes.append('C').append(100_000 + i).append("\r\n");
            }
            rows = codes.toString().getBytes(StandardCharsets.UTF_8);
        }
        // The file is 2 * rows.length + 2 bytes, so the cut, at half of it, is the byte after the Ctrl-Z, and its probe starts on it.
        byte[] file = new byte[2 * rows.length + 2];
        System.arraycopy(rows, 0, file, 0, rows.length);
        file[rows.length] = 0x1a;
        file[rows.length + 1] = '\r';
        Arrays.fill(file, rows.length + 2, file.length, (byte) '\n');
        assertTrue(file.length - (rows.length + 2) > RangeBoundaries.PROBE_BYTES, "more line breaks after the Ctrl-Z than a probe holds");
        Converted ranges = convert("ranges", file, 2);
        Converted whole = convert("whole", file, 1);

        long dataRows = new String(rows, StandardCharsets.UTF_8).split("\r\n").length - 1;
        assertEquals(dataRows, whole.manifest().rowsRead(), "one stream: the Ctrl-Z ends the text");
        assertSameConversion(whole, ranges);
        assertFalse(log().contains("byte ranges given up"), log());
    }

    /**
     * A file of one column whose last line is a Ctrl-Z, quoted ({@code "\u001a"}, a value) or bare (the end of the text), then
     * blank lines, cut right before that line (the last range holds it alone) or right after it (the range after holds blank
     * lines alone and joins the one before): read in ranges, it converts as one stream does, the quoted one a row of the table.
     */
    @ParameterizedTest(name = "[{index}] {0} Ctrl-Z, line breaks {1}, cut {2} it")
    @CsvSource({"quoted, LF, before", "quoted, LF, after", "quoted, CRLF, before", "quoted, CRLF, after",
            "bare, LF, before", "bare, LF, after", "bare, CRLF, before", "bare, CRLF, after"})
    void aCtrlZOnTheLastLineOfAOneColumnFileCutNextToItConvertsAsOneStream(String form, String lineBreak, String cut) throws Exception {
        String eol = lineBreak.equals("CRLF") ? "\r\n" : "\n";
        String ctrlZ = form.equals("quoted") ? "\"\u001a\"" : "\u001a";
        int rows = 20_000;
        StringBuilder csv = new StringBuilder("code").append(eol);
        for (int i = 0; i < rows; i++) {
            csv.append('C').append(10_000 + i).append(eol);
        }
        int lastRowEnd = csv.length();
        csv.append(ctrlZ).append(eol);
        // Cut (at half the file's size) two bytes before the last row's end, so the probe's first line feed is the one before the
        // Ctrl-Z; or on the byte after the Ctrl-Z's line, so the probe starts on its last character. Blank lines pad the file to twice that.
        int cutAt = cut.equals("before") ? lastRowEnd - 2 : lastRowEnd + ctrlZ.length();
        int blankBytes = 2 * cutAt - csv.length();
        csv.append(eol.repeat((blankBytes + eol.length() - 1) / eol.length()));
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(cutAt, file.length / 2, "the cut falls where meant");

        List<Long> rangesOpened = Collections.synchronizedList(new ArrayList<>());
        Converted ranges = convert("ranges", file, 2, limits(), rangesOpened);
        Converted whole = convert("whole", file, 1);

        // Cut before it, the last range starts on the Ctrl-Z's line; cut after it, no range starts on the blank lines.
        long ctrlZLineEnd = lastRowEnd + ctrlZ.length() + eol.length();
        if (cut.equals("before")) {
            assertTrue(rangesOpened.contains((long) lastRowEnd), "ranges read from " + rangesOpened);
        }
        assertFalse(rangesOpened.contains(ctrlZLineEnd), "ranges read from " + rangesOpened);
        boolean quoted = form.equals("quoted");
        assertEquals(rows + (quoted ? 1 : 0), whole.manifest().rowsRead(), "one stream: " + (quoted ? "a row of the quoted Ctrl-Z" : "no row of the bare one"));
        assertEquals(0, whole.manifest().rowsQuarantined());
        assertSameConversion(whole, ranges);
        List<GenericRecord> written = rows(ranges);
        assertEquals(quoted ? "\u001a" : "C" + (10_000 + rows - 1), String.valueOf(written.get(written.size() - 1).get("code")), "the last row written");
        assertFalse(log().contains("byte ranges given up"), log());
    }

    @Test
    void aShortRangeFailsTheRunAndLeavesNothing() throws Exception {
        byte[] file = orders(100_000, "");
        LocalObjectStore silver = new LocalObjectStore(directory.resolve("short"));
        SilverConverter converter = converter(silver, 2, limits());
        // The second range's connection ends 100 bytes early, as a cut download does (the probes of the file's start and of
        // the cut, at most 1 MiB each, arrive whole).
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from) - (to - from > RangeBoundaries.PROBE_BYTES && from > 0 ? 100 : 0)));
        IOException e = assertThrows(IOException.class, () -> converter.convert(source(file), "orders", content));
        assertTrue(e.getMessage().contains("the download ended early") && e.getMessage().contains("bytes " ), e.getMessage());
        assertEquals(List.of(), files(silver).stream().filter(key -> !key.startsWith("_schemas/")).toList(),
                "no part, quarantine file or manifest is left");
    }

    @Test
    void aRangeReaderThatOutlivesItsRunTouchesNothingOfIt() throws Exception {
        byte[] file = orders(100_000, "");
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        HookedStore silver = new HookedStore(new LocalObjectStore(directory.resolve("outlived")), new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                created.add(key);
            }
        });
        // The first range's GET answers only after the run has given up on it, deaf to interrupts, as a socket read is.
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file), (from, to) -> {
            if (from == 0 && to - from > RangeBoundaries.PROBE_BYTES) {
                stuck.countDown();
                HookedStore.awaitDeafToInterrupts(release);
            }
            return new ByteArrayInputStream(file, (int) from, (int) (to - from));
        });
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), limits(), new RangeReading(2, 64 * 1024), CsvOverrides.none(),
                SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK, Duration.ofMillis(200));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread converting = new Thread(() -> {
            try {
                converter.convert(source(file), "orders", content);
            }
            catch (Throwable e) {
                thrown.set(e);
            }
        });
        converting.start();
        assertTrue(stuck.await(30, TimeUnit.SECONDS));
        // The run is stopped while its first range waits: it fails, and leaves the reader behind.
        converting.interrupt();
        converting.join(30_000);
        assertFalse(converting.isAlive());
        assertInstanceOf(InterruptedIOException.class, thrown.get());
        assertTrue(log().contains("a byte range reader was still in a storage call when its run ended"), log());
        List<String> createdByTheRun = List.copyOf(created);

        // The reader gets its bytes now: it must stop at the closed run, not read its range into parts no one aborts.
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ConverterThreads.live().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the range reader did not end");
            Thread.sleep(20);
        }
        assertEquals(createdByTheRun, created, "no upload started after the run ended");
    }

    /**
     * A file whose every line ends in the delimiter converts in ranges as in one stream: the later ranges, which
     * never read the header, drop the terminator's empty field and refuse a row holding a value after it alike.
     */
    @Test
    void aDelimiterEndingEveryLineIsATerminatorInEveryRange() throws Exception {
        // Every 2,003rd order holds a value after the trailing delimiter.
        assertTerminatedInEveryRangeAsInOneStream(",\r\n", ",after\r\n", "expected 4 fields, found 5: a value after the header's trailing delimiter: 'after'");
    }

    /** Excel's trailing empty columns ({@code id,name,,,}) are no columns in every range either, and a value under one is refused alike. */
    @Test
    void excelsTrailingEmptyColumnsAreNoColumnsInEveryRange() throws Exception {
        // Every 2,003rd order holds a value under the second empty column.
        assertTerminatedInEveryRangeAsInOneStream(",,,\r\n", ",,after,\r\n",
                "expected 4 fields, found 7: a value under the header's empty trailing fields, which name no column: 'after'");
    }

    /**
     * Line ends other than CRLF throughout: classic Mac OS's CR alone, and CRLF and LF mixed in one file (lines appended by
     * another tool). Read in ranges, the file converts to what one stream gives, every row of it: a range starts after a line
     * feed only, so a file of CR alone has no place to cut and is read as one stream, never as one huge row.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"CR", "CRLF and LF"})
    void otherLineEndsConvertInRangesAsInOneStream(String lineEnds) throws Exception {
        String crlf = new String(orders(30_000, ""), StandardCharsets.UTF_8);
        String csv;
        if (lineEnds.equals("CR")) {
            csv = crlf.replace("\r\n", "\r");
        }
        else {
            StringBuilder mixed = new StringBuilder();
            int line = 0;
            for (String row : crlf.split("(?<=\r\n)")) {
                mixed.append(line++ % 2 == 0 ? row : row.replace("\r\n", "\n"));
            }
            csv = mixed.toString();
        }
        byte[] file = csv.getBytes(StandardCharsets.UTF_8);

        Converted ranges = convert("ranges", file, 3);
        Converted whole = convert("whole", file, 1);

        assertEquals(Manifest.CONVERTED, whole.manifest().status(), String.valueOf(whole.manifest().reason()));
        assertEquals(30_000, whole.manifest().rowsRead());
        assertEquals(List.of("order_id", "customer", "amount", "note"), whole.manifest().columns().stream().map(Column::name).toList());
        assertSameConversion(whole, ranges);
    }

    /**
     * Converts the orders with every line, the header's included, ending in {@code terminator} and every 2,003rd order's in
     * {@code withValue} instead, in three ranges and as one stream: the same conversion, the header's four columns, the
     * rows holding a value refused for {@code reason} in the first range and the last at the file's lines.
     */
    private void assertTerminatedInEveryRangeAsInOneStream(String terminator, String withValue, String reason) throws Exception {
        String lines = new String(orders(30_000, ""), StandardCharsets.UTF_8).replace("\r\n", terminator);
        StringBuilder csv = new StringBuilder();
        int line = 0;
        for (String row : lines.split("(?<=\r\n)")) {
            csv.append(line > 0 && line % 2_003 == 0 ? row.replace(terminator, withValue) : row);
            line++;
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);

        Converted ranges = convert("ranges", file, 3);
        Converted whole = convert("whole", file, 1);

        assertEquals(3, ranges.manifest().parts().size(), "read in three ranges");
        assertFalse(log().contains("byte ranges given up"), log());
        assertEquals(List.of("order_id", "customer", "amount", "note"), whole.manifest().columns().stream().map(Column::name).toList());
        assertSameConversion(whole, ranges);
        String quarantine = new String(ranges.read(ranges.manifest().quarantine().key()), StandardCharsets.UTF_8);
        // In the first range and in the last, with the file's line numbers.
        for (int order : List.of(2_003, 28_042)) {
            String refused = "\r\n" + (order + 1) + ",\"" + reason + "\"," + order + ",";
            assertTrue(quarantine.contains(refused), refused);
        }
        // 14 values after the terminator, 30 rows lacking two fields, 20 amounts of n/a.
        assertEquals(64, whole.manifest().rowsQuarantined());
    }

    private static void assertSameConversion(Converted whole, Converted ranges) throws IOException {
        Manifest expected = whole.manifest();
        Manifest actual = ranges.manifest();
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.rowsRead(), actual.rowsRead());
        assertEquals(expected.rowsWritten(), actual.rowsWritten());
        assertEquals(expected.rowsQuarantined(), actual.rowsQuarantined());
        assertEquals(expected.columns(), actual.columns());
        assertEquals(expected.parts().stream().mapToLong(PartInfo::rows).sum(), actual.parts().stream().mapToLong(PartInfo::rows).sum());
        assertEquals(rows(whole).stream().map(GenericRecord::toString).toList(), rows(ranges).stream().map(GenericRecord::toString).toList(),
                "the same rows in the same order");
        assertEquals(expected.quarantine() == null, actual.quarantine() == null);
        if (expected.quarantine() != null) {
            assertArrayEquals(whole.read(expected.quarantine().key()), ranges.read(actual.quarantine().key()),
                    "the same refused rows, with the same line numbers and reasons");
        }
    }

    private static List<GenericRecord> rows(Converted converted) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        for (PartInfo part : converted.manifest().parts()) {
            rows.addAll(ParquetTestFiles.readAll(converted.root().resolve(part.key())));
        }
        return rows;
    }

    /**
     * A contract written by hand that the catalog could not hold fails a ranged run as it fails one stream:
     * once the first range has read the header and loaded the contract, before a part is started, and
     * without reading the file again as one stream (which would fail the same way, after reading more).
     */
    @Test
    void aHandWrittenContractTheCatalogCannotHoldFailsARangedRunBeforeItWritesAnything() throws Exception {
        byte[] file = orders(30_000, "");
        LocalObjectStore silver = new LocalObjectStore(directory.resolve("hand-written"));
        silver.put("_schemas/orders.json", """
                {"dataset": "orders", "columns": [{"name": "order_id", "type": "BIGINT", "sourceName": "order_id"},
                  {"name": "Customer Name", "type": "STRING", "sourceName": "customer"}], "createdFrom": "by hand", "createdAt": "2026-12-01T00:00:00Z"}
                """.getBytes(StandardCharsets.UTF_8));
        List<Long> rangesOpened = Collections.synchronizedList(new ArrayList<>());
        SilverConverter.Content content = SilverConverter.Content.of(() -> {
            throw new AssertionError("the file was read again as one stream");
        }, (from, to) -> {
            rangesOpened.add(from);
            return new ByteArrayInputStream(file, (int) from, (int) (to - from));
        });
        // Glue itself is never asked: the check is of names alone.
        GlueClient glue = new GlueClient() {
            @Override
            public String serviceName() {
                return "glue";
            }

            @Override
            public void close() {}
        };
        JsonLog log = new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK);
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), limits(), new RangeReading(3, 64 * 1024), CsvOverrides.none(),
                new GlueSilverCatalog(glue, "lake_silver", "silver", new SilverLayout(""), log), log, CLOCK);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert(source(file), "orders", content));

        assertTrue(e.getMessage().contains("Column 'Customer Name' of the schema contract of dataset orders is not a name Athena reads unquoted"),
                e.getMessage());
        assertTrue(rangesOpened.stream().anyMatch(from -> from == 0), "the first range read the header: " + rangesOpened);
        assertEquals(List.of("_schemas/orders.json"), files(silver), "no part, quarantine file or manifest");
    }

    /**
     * A later range's line numbers count from its start, and the lines before it are known only once the
     * earlier ranges end: a deadline met in it says which range, not a line of the file it is not.
     */
    @Test
    void aDeadlineMetInALaterRangeSaysWhereInWhichRange() throws Exception {
        LocalObjectStore silver = new LocalObjectStore(directory.resolve("deadline"));
        // The dataset's contract is stored: the first range then needs no sample of a chunk's rows.
        byte[] first = orders(2_000, "");
        converter(silver, 1, limits()).convert(source(first), "orders", () -> new ByteArrayInputStream(first));
        // Long rows first, then short ones: the first range (about half the bytes) holds too few rows to fill a chunk
        // and never looks at the clock; the second fills one and meets the deadline there.
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 400; i++) {
            csv.append(i).append(",Customer,1.00,").append("x".repeat(1_000)).append("\r\n");
        }
        for (int i = 401; i <= 5_400; i++) {
            csv.append(i).append(",Customer,1.00,\r\n");
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        SourceObject source = new SourceObject("bronze", "orders/2026/late.csv", "late", file.length, Instant.parse("2026-11-30T08:00:00Z"));
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from)));

        DeadlineExceededException stopped = assertThrows(DeadlineExceededException.class,
                () -> converter(silver, 2, limits()).convert(source, "orders", content, Deadline.of(() -> 0, Duration.ofSeconds(1))));

        Matcher where = Pattern.compile("at line (\\d+) of the byte range from byte (\\d+) \\(lines counted from the range's start\\)").matcher(stopped.getMessage());
        assertTrue(where.find(), stopped.getMessage());
        long rangeStart = Long.parseLong(where.group(2));
        assertTrue(rangeStart > 0 && rangeStart < file.length, stopped.getMessage());
        // The range's line 1 000 (a chunk's rows) is that line after the range's start.
        int line = Integer.parseInt(where.group(1));
        String[] lines = new String(file, (int) rangeStart, file.length - (int) rangeStart, StandardCharsets.UTF_8).split("\r\n");
        assertEquals(1_000, line, stopped.getMessage());
        // Order ids are file lines less the header's: the range's line 1 000 is the order after the range's start's lines and 999 more.
        long linesBefore = new String(file, 0, (int) rangeStart, StandardCharsets.UTF_8).split("\r\n", -1).length - 1;
        assertTrue(lines[line - 1].startsWith((linesBefore + line - 1) + ",Customer,"), linesBefore + ": " + lines[line - 1]);
    }

    private Converted convert(String name, byte[] file, int readers) throws IOException {
        return convert(name, file, readers, limits());
    }

    private Converted convert(String name, byte[] file, int readers, ConversionLimits limits) throws IOException {
        return convert(name, file, readers, limits, new ArrayList<>());
    }

    /** @param rangesOpened where each ranged read of the file starts (the probes' and the ranges' own), added to as they are opened */
    private Converted convert(String name, byte[] file, int readers, ConversionLimits limits, List<Long> rangesOpened) throws IOException {
        Path root = directory.resolve(name);
        LocalObjectStore silver = new LocalObjectStore(root);
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file), (from, to) -> {
            rangesOpened.add(from);
            return new ByteArrayInputStream(file, (int) from, (int) (to - from));
        });
        Manifest manifest = converter(silver, readers, limits).convert(source(file), "orders", content).manifest();
        return new Converted(root, manifest, files(silver));
    }

    private SilverConverter converter(LocalObjectStore silver, int readers, ConversionLimits limits) {
        // Ranges of at least 64 KiB: the files here are a few hundred KiB to a few MiB.
        return new SilverConverter(silver, new SilverLayout(""), limits, new RangeReading(readers, 64 * 1024), CsvOverrides.none(),
                SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
    }

    private static ConversionLimits limits() {
        return new ConversionLimits(1_000, 8L << 20, 128L << 20, 32L << 20);
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }

    private static List<String> files(LocalObjectStore silver) throws IOException {
        return silver.list("");
    }

    /**
     * Orders with CRLF line ends, quoted customers holding commas and doubled quotes, and refused rows
     * spread over the file: a missing field every 997th row, an amount that is not a number every 1,499th.
     */
    private static byte[] orders(int count, String variant) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= count; i++) {
            boolean refused = variant.equals("second half refused") && i > count / 2;
            if (i % 997 == 0) {
                csv.append(i).append(",\"Smith, J\"\r\n");
            }
            else if (i % 1_499 == 0 || refused) {
                csv.append(i).append(",Jones,n/a,\r\n");
            }
            else {
                csv.append(i).append(',').append(i % 3 == 0 ? "\"Bar \"\"The Crown\"\", Ltd\"" : "Customer " + (i % 50))
                        .append(',').append(i % 1_000).append('.').append(i % 100 < 10 ? "0" : "").append(i % 100)
                        .append(',').append(i % 7 == 0 ? "gift" : "").append("\r\n");
            }
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** 20,000 orders with one holding {@code note} right where the file is cut in two. */
    private static byte[] ordersWithNoteAtMiddle(String note) {
        String before = new String(orders(10_000, ""), StandardCharsets.UTF_8);
        String after = new String(orders(10_000, ""), StandardCharsets.UTF_8).substring(HEADER.length()).replaceAll("(?m)^(\\d)", "2$1");
        String special = "555555,\"Note, Taker\",1.00," + note + "\r\n";
        // The cut at half the file's size falls a third into the note.
        int total = before.length() + special.length() + after.length();
        int beforeLength = total / 2 - special.indexOf(note) - note.length() / 3;
        String head = before.substring(0, before.lastIndexOf("\r\n", beforeLength) + 2);
        String tail = before.substring(head.length()) + after;
        return (head + special + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static SourceObject source(byte[] content) {
        try {
            String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            return new SourceObject("bronze", KEY, etag, content.length, Instant.parse("2026-11-30T08:00:00Z"));
        }
        catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private record Converted(Path root, Manifest manifest, List<String> files) {
        byte[] read(String key) throws IOException {
            return Files.readAllBytes(root.resolve(key));
        }
    }

    /**
     * The first range infers from no row (its first rows all one field short of the header), the ranges are
     * given up, and another file of the dataset stores its contract before the one stream reads: the stream
     * converts in that contract, and its fitting rows are written, not refused as without a contract.
     */
    @Test
    void aContractStoredBetweenTheRangesAndOneStreamIsUsed() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalObjectStore silver = new LocalObjectStore(directory);
        ConversionLimits limits = new ConversionLimits(1_000, 256 * 1024, 128L << 20, 32L << 20);
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), limits, new RangeReading(2, 64 * 1024), CsvOverrides.none(),
                SilverCatalog.none(), new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        StringBuilder csv = new StringBuilder("order_id,customer,amount,note,extra\r\n");
        for (int i = 1; i <= 30_000; i++) {
            csv.append(i).append(",Customer ").append(i % 50).append(",1.50,gift").append(i > 1_500 ? ",x" : "").append("\r\n");
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        byte[] good = "order_id,customer,amount,note,extra\r\n1,A,1.5,gift,x\r\n".getBytes(StandardCharsets.UTF_8);
        SilverConverter.Content content = SilverConverter.Content.of(() -> {
            // Another run of the dataset stores its contract while this run gives up its ranges.
            try {
                converter.convert(new SourceObject("bronze", "orders/good.csv", "good", good.length, Instant.parse("2026-11-30T08:00:00Z")), "orders",
                        () -> new ByteArrayInputStream(good));
            }
            catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new ByteArrayInputStream(file);
        }, (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from)));
        Manifest manifest = converter.convert(new SourceObject("bronze", "orders/bad.csv", "bad", file.length, Instant.parse("2026-11-30T08:00:00Z")),
                "orders", content).manifest();
        String logText = log.toString(StandardCharsets.UTF_8);
        assertTrue(logText.contains("byte ranges given up"), logText);
        assertEquals(28_500, manifest.rowsWritten(), "rows of five fields fit the contract the other run stored; quarantined: " + manifest.rowsQuarantined());
    }
}
