package dev.medallion.local.gold;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The silver tables a local silver directory holds, as Glue catalogs them in the bucket: one table per
 * dataset folder, partitioned by {@code ingest_date}, skipping the {@code _manifests/}, {@code _publishing/}, {@code _quarantine/}
 * and {@code _schemas/} bookkeeping.
 */
final class SilverTables {
    private static final Pattern PARTITION = Pattern.compile("ingest_date=(\\d{4}-\\d{2}-\\d{2})");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    /** One {@code ingest_date} partition and its Parquet files. */
    record Partition(String ingestDate, List<Path> files) {
        Partition {
            requireNonNull(ingestDate, "ingestDate is null");
            files = List.copyOf(files);
        }
    }

    private SilverTables() {}

    /** Every dataset with at least one Parquet file, by name, its partitions in date order. */
    static Map<String, List<Partition>> under(Path silverRoot) throws IOException {
        Map<String, List<Partition>> tables = new TreeMap<>();
        if (!Files.isDirectory(silverRoot)) {
            return tables;
        }
        for (Path dataset : sorted(silverRoot)) {
            String name = dataset.getFileName().toString();
            if (!Files.isDirectory(dataset) || !TABLE.matcher(name).matches()) {
                continue;
            }
            List<Partition> partitions = new ArrayList<>();
            for (Path directory : sorted(dataset)) {
                Matcher partition = PARTITION.matcher(directory.getFileName().toString());
                if (Files.isDirectory(directory) && partition.matches()) {
                    // The object store writes a part under a temporary name and renames it when complete.
                    List<Path> files = sorted(directory).stream()
                            .filter(file -> file.getFileName().toString().endsWith(".parquet") && !file.getFileName().toString().startsWith("."))
                            .toList();
                    if (!files.isEmpty()) {
                        partitions.add(new Partition(partition.group(1), files));
                    }
                }
            }
            if (!partitions.isEmpty()) {
                tables.put(name, partitions);
            }
        }
        return tables;
    }

    /**
     * The view that plays the Glue table on DuckDB. Files are listed, not globbed, and the partition value
     * comes from here with DuckDB's hive_partitioning off: that option, on by default for paths that hold
     * {@code key=value} folders, turns every such folder of the whole path into a column, folders above
     * the lake included; and a glob would read {@code [} or {@code ?} in the lake's path as patterns.
     * Files are read by column name,
     * as Athena reads Parquet, so a column the schema contract gained later is null in older files.
     * {@code ingest_date} is text, as the Glue crawler types the partition.
     */
    static String viewSql(String schema, String table, List<Partition> partitions) {
        List<String> selects = new ArrayList<>();
        for (Partition partition : partitions) {
            List<String> files = partition.files().stream().map(file -> Sql.literal(file.toString())).toList();
            selects.add("SELECT *, CAST(" + Sql.literal(partition.ingestDate()) + " AS VARCHAR) AS ingest_date FROM read_parquet(["
                    + String.join(", ", files) + "], union_by_name = true, hive_partitioning = false)");
        }
        return "CREATE VIEW " + Sql.identifier(schema) + "." + Sql.identifier(table) + " AS\n" + String.join("\nUNION ALL BY NAME\n", selects);
    }

    private static List<Path> sorted(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
    }
}
