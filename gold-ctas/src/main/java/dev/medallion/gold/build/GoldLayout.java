package dev.medallion.gold.build;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Where the builds of the gold models live. Each build has a table and a prefix of its own, so that
 * CTAS always writes somewhere new and a build is removed by deleting exactly its prefix:
 * <pre>
 * table    &lt;model&gt;__&lt;build id&gt;
 * data     s3://&lt;gold bucket&gt;/&lt;gold prefix&gt;&lt;model&gt;/&lt;build id&gt;/...
 * view     &lt;model&gt;, SELECT * FROM the current build's table
 * state    s3://&lt;gold bucket&gt;/&lt;gold prefix&gt;_state/&lt;model&gt;.json
 * staging  &lt;model&gt;__staging_&lt;build id&gt;, s3://&lt;gold bucket&gt;/&lt;gold prefix&gt;&lt;model&gt;/staging_&lt;build id&gt;/...
 * </pre>
 * A build of more than 100 partitions first writes its model's rows once, unpartitioned, into a staging
 * table of its own, which its batches then read; the staging table is removed before the swap. Its folder
 * is beside the build's, not in it, nor a prefix of it: Athena fails a CTAS whose {@code external_location}
 * holds any object ({@code HIVE_PATH_ALREADY_EXISTS}), and the build's CTAS comes after the staging one. Its
 * table's name has {@code staging_} before the build id, not {@code __}, so no model (whatever its name) takes
 * it for one of its builds; this model's cleanup takes it for this build's ({@link #buildOfStagingTable}).
 */
public final class GoldLayout {
    static final String TABLE_SEPARATOR = "__";
    /** What a build's staging table and folder put before its build id. */
    static final String STAGING = "staging_";
    /** A build or staging table's whole name, its model's name first ({@link #modelOfTable}). */
    private static final Pattern BUILD_OR_STAGING_TABLE = Pattern.compile("([a-z][a-z0-9_]*)" + TABLE_SEPARATOR + "(?:" + STAGING + ")?[0-9]{14}_[0-9a-f]{6}");

    private final String bucket;
    private final String prefix;

    /** @param prefix empty or ending in '/' */
    public GoldLayout(String bucket, String prefix) {
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("The gold prefix must be empty or end in '/': " + prefix);
        }
    }

    public String modelPrefix(String model) {
        return prefix + model + "/";
    }

    public String buildPrefix(String model, BuildId build) {
        return modelPrefix(model) + build.value() + "/";
    }

    /** The CTAS {@code external_location}. */
    public String location(String model, BuildId build) {
        return "s3://" + bucket + "/" + buildPrefix(model, build);
    }

    public String table(String model, BuildId build) {
        return model + TABLE_SEPARATOR + build.value();
    }

    /** The folder of the build's staging table: beside the build's folder, since a CTAS needs its location empty. */
    public String stagingPrefix(String model, BuildId build) {
        return modelPrefix(model) + STAGING + build.value() + "/";
    }

    /** The staging CTAS's {@code external_location}. */
    public String stagingLocation(String model, BuildId build) {
        return "s3://" + bucket + "/" + stagingPrefix(model, build);
    }

    public String stagingTable(String model, BuildId build) {
        return model + TABLE_SEPARATOR + STAGING + build.value();
    }

    /**
     * The build a gold key belongs to, when it lies in a build folder of the model or in a build's staging
     * folder: removing a build removes both.
     */
    public Optional<BuildId> buildOfKey(String model, String key) {
        String modelPrefix = modelPrefix(model);
        if (!key.startsWith(modelPrefix)) {
            return Optional.empty();
        }
        String rest = key.substring(modelPrefix.length());
        int slash = rest.indexOf('/');
        return slash > 0 ? buildOfFolder(rest.substring(0, slash)) : Optional.empty();
    }

    /** The build a folder directly under the model's prefix belongs to: its own folder, or its staging folder. */
    public Optional<BuildId> buildOfFolder(String folder) {
        requireNonNull(folder, "folder is null");
        String id = folder.startsWith(STAGING) ? folder.substring(STAGING.length()) : folder;
        return BuildId.isBuildId(id) ? Optional.of(new BuildId(id)) : Optional.empty();
    }

    /** The build whose staging table {@code table} is, when it is one of the model's. */
    public Optional<BuildId> buildOfStagingTable(String model, String table) {
        String start = model + TABLE_SEPARATOR + STAGING;
        if (!table.startsWith(start) || !BuildId.isBuildId(table.substring(start.length()))) {
            return Optional.empty();
        }
        return Optional.of(new BuildId(table.substring(start.length())));
    }

    /**
     * The build of the model a view's SQL selects from: the swap's own statement, {@code SELECT * FROM
     * "<gold database>"."<model>__<build id>"}, as Athena keeps it (its identifiers quoted or not), naming the
     * model's build table, not part of a longer name. In any case, as Athena's identifiers are: a rollback
     * written by hand may spell it in capitals. Empty when the SQL names no build table of the model.
     */
    public Optional<BuildId> buildSelectedBy(String model, String viewSql) {
        requireNonNull(model, "model is null");
        requireNonNull(viewSql, "viewSql is null");
        Matcher table = Pattern.compile("(?<![A-Za-z0-9_])(" + Pattern.quote(model + TABLE_SEPARATOR) + "[0-9a-z_]+)(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE).matcher(viewSql);
        return table.find() ? buildOfTable(model, table.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * The model whose build or staging table {@code table} is, when its name is the builder's whole, to its last
     * character: a model's name ({@code [a-z][a-z0-9_]*}, as models.list allows), {@code __}, {@code staging_} or
     * nothing, and a build id of {@link BuildId}'s exact shape. A name that merely contains {@code __} ({@code
     * notes__archive}, a build id with more after it, none before it) is no model's. The name alone, as the
     * builder's role is granted its tables by name and "Removing a model" finds them: a table someone named so is
     * taken for one.
     */
    public Optional<String> modelOfTable(String table) {
        requireNonNull(table, "table is null");
        Matcher name = BUILD_OR_STAGING_TABLE.matcher(table);
        if (!name.matches()) {
            return Optional.empty();
        }
        String model = name.group(1);
        boolean builders = buildOfTable(model, table).isPresent() || buildOfStagingTable(model, table).isPresent();
        return builders ? Optional.of(model) : Optional.empty();
    }

    /** The build a table is, when it is one of the model's build tables. */
    public Optional<BuildId> buildOfTable(String model, String table) {
        String start = model + TABLE_SEPARATOR;
        if (!table.startsWith(start) || !BuildId.isBuildId(table.substring(start.length()))) {
            return Optional.empty();
        }
        return Optional.of(new BuildId(table.substring(start.length())));
    }
}
