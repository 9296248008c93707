package dev.medallion.common.layout;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Where everything lives in the silver bucket. Data is Hive-partitioned so Glue and Athena read it
 * as it is; bookkeeping lives under prefixes starting with '_', which Glue crawlers and Athena skip.
 * <pre>
 * &lt;prefix&gt;&lt;dataset&gt;/ingest_date=YYYY-MM-DD/&lt;source&gt;-&lt;etag&gt;-&lt;run&gt;-part-00001.parquet
 * &lt;prefix&gt;_manifests/&lt;dataset&gt;/&lt;source&gt;.json
 * &lt;prefix&gt;_quarantine/&lt;dataset&gt;/ingest_date=YYYY-MM-DD/&lt;source&gt;-&lt;etag&gt;-&lt;run&gt;.csv
 * &lt;prefix&gt;_schemas/&lt;dataset&gt;.json
 * &lt;prefix&gt;_publishing/&lt;dataset&gt;/&lt;source&gt;/YYYY-MM-DD-&lt;run&gt;
 * </pre>
 * A publishing marker records, before a run makes any file visible, the partition it publishes into, and
 * holds when it was written: the run that commits the source next finds there, and sweeps, what a run
 * killed before its manifest left in another partition (a replaced object's version of another day). It
 * outlives its run until a sweep finds it old enough that the run can no longer be publishing.
 * {@code <source>} is the source file's readable stem plus a hash of its whole key (its first 40 bits),
 * so two files with the same name in different folders get different names, and one prefix holds
 * everything a source wrote in a partition. Two keys can still share a name by chance (a 0.5 % chance among
 * 100,000 files of one name in a dataset): the converter then refuses the second rather than
 * replace the first one's rows ({@code SilverConverter}). {@code <run>} ({@link RunId}) makes every run's files its own: a redelivered event never
 * writes, or deletes, the keys of another run.
 */
public final class SilverLayout {
    private static final int STEM_LENGTH = 60;
    private static final int KEY_HASH_LENGTH = 10;
    private static final int DATASET_HASH_LENGTH = 8;
    private static final int ETAG_LENGTH = 12;
    private static final Pattern PUBLISHING = Pattern.compile("/(\\d{4}-\\d{2}-\\d{2})-g(\\d{1,18})-([0-9a-f]{8})$");

    private static final Pattern DATE_FOLDER = Pattern.compile("[0-9]+([-_. ][0-9]+)*");

    private final String prefix;

    public SilverLayout(String prefix) {
        requireNonNull(prefix, "prefix is null");
        String trimmed = prefix.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        this.prefix = trimmed.isEmpty() || trimmed.endsWith("/") ? trimmed : trimmed + "/";
    }

    public String prefix() {
        return prefix;
    }

    /**
     * The dataset a bronze key belongs to: its first path segment, made safe as a table name.
     * {@code sales/2026/11/x.csv} belongs to {@code sales}.
     */
    public static String datasetOf(String bronzeKey) {
        requireNonNull(bronzeKey, "bronzeKey is null");
        int slash = bronzeKey.indexOf('/');
        if (slash == 0) {
            // s3://bucket//sales/x.csv, or boto3's Key="/sales/x.csv": the first folder has no name.
            throw new IllegalArgumentException("Bronze key '" + bronzeKey + "' starts with '/', so its first folder, the dataset, has no name:"
                    + " upload it again without the leading '/' (as <dataset>/<file>.csv)");
        }
        if (slash < 0) {
            throw new IllegalArgumentException("Bronze key '" + bronzeKey
                    + "' is not under a dataset folder: upload files as <dataset>/<file>.csv");
        }
        return datasetName(bronzeKey.substring(0, slash));
    }

    /**
     * Whether a folder or the file named in a bronze key starts with '_' or '.', which the converter skips: a
     * Spark or Hadoop job writing to the bucket puts each task's output under {@code _temporary/} and then
     * copies it to its final key, so both keys would be converted and their rows be in silver twice (the
     * copy's source is deleted, its rows are not); {@code _SUCCESS} is a marker, and '.' names hidden files.
     * A dataset folder of '_' and a digit is no such name: it is what {@link #datasetName} makes of a name
     * that starts with a digit ({@code 3m_orders} → {@code _3m_orders}), as bronze-ingest names the folder.
     */
    public static boolean isJobOrHiddenKey(String bronzeKey) {
        requireNonNull(bronzeKey, "bronzeKey is null");
        String[] names = bronzeKey.split("/");
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            boolean datasetOfADigit = i == 0 && names.length > 1 && name.length() > 1 && name.charAt(0) == '_' && isAsciiDigit(name.charAt(1));
            if (name.startsWith(".") || name.startsWith("_") && !datasetOfADigit) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Whether a folder's name looks like a date folder inside a dataset: digits, alone or joined by
     * {@code -}, {@code _}, {@code .} or a space ({@code 2026}, {@code 11}, {@code 2026-11}). As the first
     * folder of a key it would be a dataset of its own ({@code _2026}), which is almost never what was
     * meant; {@code 3m_orders} is a name.
     */
    public static boolean looksLikeDateFolder(String folderName) {
        requireNonNull(folderName, "folderName is null");
        return DATE_FOLDER.matcher(folderName).matches();
    }

    /**
     * A dataset name as given by a person (a folder, a file stem, an option), made safe as a table name.
     * Letters that have no Latin form (Cyrillic, CJK, Greek...) cannot be kept; the name then ends in a
     * hash of the text (in Unicode NFKC and lower case, so that macOS and Linux spellings agree, and case
     * matters no more than in the readable part):
     * {@code продажи} and {@code 顧客} are two datasets, {@code dataset_…}, and {@code sales_日本} is not
     * {@code sales}; so do names of which nothing is kept ({@code 📈} and {@code €}, not the table {@code dataset}). A name longer than the catalog holds is cut, and ends in a hash of the whole
     * ({@link Identifiers#fitted}).
     */
    public static String datasetName(String text) {
        requireNonNull(text, "text is null");
        String name = Identifiers.normalize(text, "dataset");
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        // Nothing kept of a name of symbols or spaces alone (📈, €, " "): it would be the table "dataset", shared with every such name.
        boolean nothingKept = Identifiers.normalize(text, "").isEmpty();
        return Identifiers.fitted(Identifiers.dropsLetters(text) || nothingKept
                ? name + "_" + Identifiers.sha256Hex(folded).substring(0, DATASET_HASH_LENGTH)
                : name);
    }

    public String dataPrefix(String dataset, LocalDate ingestDate) {
        return prefix + dataset + "/ingest_date=" + ingestDate + "/";
    }

    /** The common start of every part of one source object in one partition, whatever its ETag and run. */
    public String partPrefix(String dataset, LocalDate ingestDate, String sourceKey) {
        return dataPrefix(dataset, ingestDate) + sourceName(sourceKey) + "-";
    }

    public String partKey(String dataset, LocalDate ingestDate, String sourceKey, String etag, RunId run, int partNumber) {
        if (partNumber < 1 || partNumber > 99_999) {
            throw new IllegalArgumentException("Part number out of range: " + partNumber);
        }
        return partPrefix(dataset, ingestDate, sourceKey) + etagTag(etag) + "-" + run.token() + String.format(Locale.ROOT, "-part-%05d.parquet", partNumber);
    }

    public String manifestKey(String dataset, String sourceKey) {
        return prefix + "_manifests/" + dataset + "/" + sourceName(sourceKey) + ".json";
    }

    /** The common start of every quarantine file of one source object in one partition, whatever its ETag and run. */
    public String quarantinePrefix(String dataset, LocalDate ingestDate, String sourceKey) {
        return prefix + "_quarantine/" + dataset + "/ingest_date=" + ingestDate + "/" + sourceName(sourceKey) + "-";
    }

    public String quarantineKey(String dataset, LocalDate ingestDate, String sourceKey, String etag, RunId run) {
        return quarantinePrefix(dataset, ingestDate, sourceKey) + etagTag(etag) + "-" + run.token() + ".csv";
    }

    /** Where the publishing markers of one source object are, whatever their partition and run. */
    public String publishingPrefix(String dataset, String sourceKey) {
        return prefix + "_publishing/" + dataset + "/" + sourceName(sourceKey) + "/";
    }

    /** The marker of {@code run} publishing files of {@code sourceKey} into the {@code ingestDate} partition. */
    public String publishingKey(String dataset, LocalDate ingestDate, String sourceKey, RunId run) {
        return publishingPrefix(dataset, sourceKey) + ingestDate + "-" + run.token();
    }

    /** The partition and run a publishing marker names, or empty for a key that is not one. */
    public static Optional<Publishing> publishingOf(String key) {
        Matcher matcher = PUBLISHING.matcher(requireNonNull(key, "key is null"));
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new Publishing(LocalDate.parse(matcher.group(1)), new RunId(Long.parseLong(matcher.group(2)), matcher.group(3))));
    }

    /** What a publishing marker names. */
    public record Publishing(LocalDate ingestDate, RunId run) {
        public Publishing {
            requireNonNull(ingestDate, "ingestDate is null");
            requireNonNull(run, "run is null");
        }
    }

    public String schemaKey(String dataset) {
        return prefix + "_schemas/" + dataset + ".json";
    }

    /** Readable stem of the file name plus a short hash of the whole key. */
    static String sourceName(String sourceKey) {
        requireNonNull(sourceKey, "sourceKey is null");
        String fileName = sourceKey.substring(sourceKey.lastIndexOf('/') + 1);
        String stem = fileName.toLowerCase(Locale.ROOT).replaceFirst("(\\.(csv|tsv|txt|dat))?(\\.gz)?$", "");
        String safeStem = Identifiers.normalize(stem, "file");
        if (safeStem.length() > STEM_LENGTH) {
            safeStem = safeStem.substring(0, STEM_LENGTH);
        }
        return safeStem + "-" + Identifiers.sha256Hex(sourceKey).substring(0, KEY_HASH_LENGTH);
    }

    private static String etagTag(String etag) {
        String safe = etag.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
        if (safe.isEmpty()) {
            safe = Identifiers.sha256Hex(etag);
        }
        return safe.length() > ETAG_LENGTH ? safe.substring(0, ETAG_LENGTH) : safe;
    }

}
