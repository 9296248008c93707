package dev.medallion.gold.state;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * A SHA-256 over everything a model's result depends on, so that an unchanged model is not rebuilt
 * (Athena bills every byte a build scans):
 * <ul>
 * <li>the model itself: its SELECT (with the silver database's name) and partition columns, so a new
 *     deployment of the SQL rebuilds it; and the gold database its view is in, so a stack pointed at
 *     another one (the same gold bucket and prefix, where the state is) builds the view there, instead of
 *     answering "unchanged" with no view in it;</li>
 * <li>for each silver source, the key and ETag of every manifest under
 *     {@code <silver prefix>_manifests/<source>/}: the converter writes one per source file, last, and
 *     rewrites it when the file is replaced, so a new, replaced or deleted file changes it;</li>
 * <li>for each silver source, the key and ETag of every data part under
 *     {@code <silver prefix><source>/ingest_date=}: what Athena reads. The manifests alone miss a change
 *     no manifest makes: the parts of a version a commit replaced, or of a run that published and never
 *     committed, are deleted by a later sweep (the converter's commit protocol, step 4), and a build that
 *     ran while they were visible read their rows twice; it must not stay "unchanged" once they are gone;</li>
 * <li>for each silver source, what the Glue catalog shows Athena: columns, partition keys and partition
 *     values, so that a partition added to the catalog by hand or by a crawl rebuilds the model too.</li>
 * </ul>
 * A source without a silver table is {@linkplain Fingerprint#absentSources absent}: no file of it has been
 * converted with rows (the converter creates the table before it commits the first; a dataset whose files
 * were all rejected, empty or quarantined has manifests and no table), and a query naming it could only fail.
 * Listing manifests and parts costs one ListObjectsV2 request per thousand source files and one per
 * thousand parts (a file has one part unless it is large), with no object read; each request takes at most
 * the silver store's time limit ({@link dev.medallion.common.storage.S3ObjectStore}).
 */
public final class InputFingerprints {
    /** 2: the data parts and the gold database are counted too (one rebuild of every model after the upgrade). */
    private static final int FORMAT = 2;

    private final ObjectStore silver;
    private final SilverLayout silverLayout;
    private final GlueCatalog catalog;
    private final String silverDatabase;
    private final String goldDatabase;

    /** @param silver the silver bucket */
    public InputFingerprints(ObjectStore silver, SilverLayout silverLayout, GlueCatalog catalog, String silverDatabase, String goldDatabase) {
        this.silver = requireNonNull(silver, "silver is null");
        this.silverLayout = requireNonNull(silverLayout, "silverLayout is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.silverDatabase = requireNonNull(silverDatabase, "silverDatabase is null");
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
    }

    /** The fingerprint, and the model's sources that have no silver table. */
    public record Fingerprint(String value, List<String> absentSources) {
        public Fingerprint {
            requireNonNull(value, "value is null");
            absentSources = List.copyOf(absentSources);
        }
    }

    public Fingerprint of(GoldModel model) throws IOException {
        requireNonNull(model, "model is null");
        List<String> absent = new ArrayList<>();
        MessageDigest digest = sha256();
        add(digest, "format " + FORMAT);
        add(digest, "model " + model.name());
        add(digest, "partitioned_by " + String.join(",", model.partitionedBy()));
        add(digest, "select " + model.select(silverDatabase));
        add(digest, "gold_database " + goldDatabase);
        for (String source : new TreeSet<>(model.sources())) {
            add(digest, "source " + source);
            for (String manifest : listed("manifest", manifestPrefix(source))) {
                add(digest, manifest);
            }
            for (String part : listed("part", dataPrefix(source))) {
                add(digest, part);
            }
            Optional<List<String>> table = catalog.describe(silverDatabase, source);
            if (table.isEmpty()) {
                add(digest, "catalog absent");
                absent.add(source);
            }
            else {
                for (String line : table.get()) {
                    add(digest, line);
                }
            }
        }
        return new Fingerprint(HexFormat.of().formatHex(digest.digest()), absent);
    }

    /** Where the converter keeps a dataset's manifests: the folder of {@link SilverLayout#manifestKey}. */
    public String manifestPrefix(String source) {
        return silverLayout.prefix() + "_manifests/" + source + "/";
    }

    /** Where a dataset's partitions are, as the converter writes them ({@link SilverLayout#dataPrefix}) and the builder's role may list. */
    String dataPrefix(String source) {
        return silverLayout.prefix() + source + "/ingest_date=";
    }

    /** One line per object under the prefix: its kind, key and ETag. */
    private List<String> listed(String kind, String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ObjectInfo object : silver.listObjects(prefix)) {
            lines.add(kind + " " + object.key() + " " + object.etag());
        }
        // Sorted here, whatever order the store lists in, so the fingerprint never depends on it.
        lines.sort(null);
        return lines;
    }

    /** Length-prefixed, so that no two different sequences of lines hash the same bytes. */
    private static void add(MessageDigest digest, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }
}
