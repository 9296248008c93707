package dev.medallion.silver.local;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.parquet.PartInfo;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local file converted as byte ranges is read as one version, as S3's ranges are (each GET carries
 * If-Match on the ETag): a file replaced while the conversion runs (an export written beside it and
 * renamed over it, as tools and {@code mv} do) must not give the later ranges the new file's bytes
 * under the old file's size and time.
 */
class LocalSourceFileTest {
    private static final int ORDERS = 120_000;

    @TempDir
    Path directory;

    @Test
    void aFileReplacedWhileItsRangesAreReadIsConvertedFromTheVersionOpened() throws Exception {
        Path input = directory.resolve("orders.csv");
        Files.write(input, orders("Customer"));
        // The same size and the same record starts, other customers: only the bytes tell the versions apart.
        Path replacement = directory.resolve("orders.csv.new");
        Files.write(replacement, orders("Kustomer"));
        Path silverRoot = directory.resolve("silver");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SilverConverter converter = new SilverConverter(new LocalObjectStore(silverRoot), new SilverLayout(""),
                new ConversionLimits(10_000, 8L << 20, 128L << 20, 32L << 20), new RangeReading(2, 64 * 1024), CsvOverrides.none(),
                SilverCatalog.none(), new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()), Clock.systemUTC());

        Manifest manifest;
        try (LocalSourceFile file = LocalSourceFile.open(input)) {
            long size = file.source().size();
            SilverConverter.Content opened = file.content();
            AtomicBoolean replaced = new AtomicBoolean();
            // The file is renamed over just before the GET of the last range (the range that ends at the file's end and
            // does not start at its start; the probes of the cut, 1 MiB, end before it).
            SilverConverter.Content content = SilverConverter.Content.of(opened::open, (from, to) -> {
                if (from > 0 && to == size && replaced.compareAndSet(false, true)) {
                    Files.move(replacement, input, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                return opened.ranges().orElseThrow().open(from, to);
            });
            manifest = converter.convert(file.source(), "orders", content).manifest();
            assertTrue(replaced.get(), "the file was replaced mid-conversion");
        }

        assertEquals(Manifest.CONVERTED, manifest.status());
        assertTrue(manifest.parts().size() > 1, "read as byte ranges: " + manifest.parts() + " " + log.toString(StandardCharsets.UTF_8));
        assertEquals(ORDERS, manifest.rowsWritten());
        List<String> customers = new ArrayList<>();
        for (PartInfo part : manifest.parts()) {
            for (GenericRecord row : ParquetTestFiles.readAll(silverRoot.resolve(part.key()))) {
                customers.add(String.valueOf(row.get("customer")));
            }
        }
        assertEquals(ORDERS, customers.size());
        List<String> fromTheReplacement = customers.stream().filter(customer -> !customer.startsWith("Customer ")).toList();
        assertEquals(List.of(), fromTheReplacement.subList(0, Math.min(3, fromTheReplacement.size())),
                "every row from the version opened (its size and time are the manifest's); rows of the replacement: " + fromTheReplacement.size());
    }

    @Test
    void theWholeFileIsReadFromTheVersionOpenedToo() throws Exception {
        Path input = directory.resolve("orders.csv");
        Files.write(input, orders("Customer"));
        Path replacement = directory.resolve("orders.csv.new");
        Files.write(replacement, orders("Kustomer"));
        try (LocalSourceFile file = LocalSourceFile.open(input)) {
            Files.move(replacement, input, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Optional<SilverConverter.Ranges> ranges = file.content().ranges();
            try (InputStream whole = file.content().open(); InputStream tail = ranges.orElseThrow().open(file.source().size() - 20, file.source().size())) {
                String text = new String(whole.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("Customer ") && !text.contains("Kustomer "), "the whole file as opened");
                assertEquals(new String(orders("Customer"), StandardCharsets.UTF_8).substring((int) file.source().size() - 20),
                        new String(tail.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] orders(String customer) {
        StringBuilder csv = new StringBuilder("order_id,customer,amount\n");
        for (int i = 1; i <= ORDERS; i++) {
            csv.append(i).append(',').append(customer).append(' ').append(i % 50).append(',').append(i % 1_000).append(".50\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
