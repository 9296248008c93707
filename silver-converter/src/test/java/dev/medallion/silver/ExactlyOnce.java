package dev.medallion.silver;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.ObjectStore;
import org.apache.avro.generic.GenericRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit tests' source files and their one check: {@code id,label} rows numbered from 0, and after
 * any scenario, whatever the store, each valid row in silver exactly once.
 */
final class ExactlyOnce {
    private ExactlyOnce() {}

    /** {@code rows} rows {@code i,row i}, then {@code extra} verbatim (rows meant to be quarantined). */
    static byte[] csv(int rows, String extra) {
        StringBuilder csv = new StringBuilder("id,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(",row ").append(i).append('\n');
        }
        return csv.append(extra).toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    /** The Parquet objects of the dataset, whoever wrote them. */
    static List<String> parquetKeys(ObjectStore silver, String dataset) throws IOException {
        return silver.list(dataset + "/").stream().filter(key -> key.endsWith(".parquet")).sorted().toList();
    }

    /**
     * The manifest describes the source and accounts for every row; every Parquet object of the dataset is
     * one of its parts; the rows read back (by parquet-avro, from a copy of each object) are the source's
     * valid rows, each once; the only quarantine file is the manifest's; and the only publishing markers
     * left are those of runs that, at {@code now}, may still be publishing or writing their marker
     * ({@link SilverCommit#PUBLISHING_BOUND}), the committed run's only if it is not still to be counted, which a later sweep removes.
     */
    static void assertExactlyOnce(ObjectStore silver, SilverLayout layout, String dataset, SourceObject source, int validRows, int quarantinedRows,
            Path temporary, Instant now) throws IOException {
        Manifest manifest = new ManifestStore(silver).read(layout.manifestKey(dataset, source.key())).orElseThrow();
        assertTrue(manifest.describes(source), "the manifest describes the version converted last");
        assertEquals(validRows + quarantinedRows, manifest.rowsRead());
        assertEquals(validRows, manifest.rowsWritten());
        assertEquals(quarantinedRows, manifest.rowsQuarantined());
        assertEquals(source.size(), manifest.bytesRead());
        assertEquals(manifest.parts().stream().map(part -> part.key()).sorted().toList(), parquetKeys(silver, dataset),
                "every Parquet object visible is a part of the manifest");
        List<Long> ids = new ArrayList<>();
        for (String key : parquetKeys(silver, dataset)) {
            Path local = Files.createTempFile(temporary, "read-back-", ".parquet");
            Files.write(local, silver.read(key).orElseThrow());
            for (GenericRecord row : ParquetTestFiles.readAll(local)) {
                ids.add((Long) row.get("id"));
            }
        }
        ids.sort(null);
        assertEquals(LongStream.range(0, validRows).boxed().toList(), ids, "each valid row exactly once");
        assertEquals(manifest.quarantine() == null ? List.of() : List.of(manifest.quarantine().key()), silver.list(layout.prefix() + "_quarantine/"));
        for (String marker : silver.list(layout.publishingPrefix(dataset, source.key()))) {
            String held = new String(silver.read(marker).orElseThrow(), StandardCharsets.UTF_8);
            // Another run's sweep keeps the committed run's marker while that run may still write it (below), claimed or not yet
            // marked; but one that says uncounted is a commit found by no sweep since, which no run has counted.
            assertFalse(marker.endsWith("-" + manifest.run()) && held.strip().endsWith(" " + SilverCommit.UNCOUNTED),
                    "the committed run's marker is gone, claimed, or not marked: " + marker + " holds " + held);
            // The time it was written, then "abandoned" if its run gave up.
            Instant written = Instant.parse(held.split(" ")[0]);
            assertTrue(now.isBefore(written.plus(SilverCommit.PUBLISHING_BOUND)),
                    "no publishing marker outlives the commit that swept its run once that run can no longer publish: " + marker);
        }
    }
}
