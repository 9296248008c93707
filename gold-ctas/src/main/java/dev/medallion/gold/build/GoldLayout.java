package dev.medallion.gold.build;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the builds of the gold models live. Each build has a table and a prefix of its own, so that
 * CTAS always writes somewhere new and a build is removed by deleting exactly its prefix:
 * <pre>
 * table    &lt;model&gt;__&lt;build id&gt;
 * data     s3://&lt;gold bucket&gt;/&lt;gold prefix&gt;&lt;model&gt;/&lt;build id&gt;/...
 * view     &lt;model&gt;, SELECT * FROM the current build's table
 * state    s3://&lt;gold bucket&gt;/&lt;gold prefix&gt;_state/&lt;model&gt;.json
 * </pre>
 */
public final class GoldLayout {
    static final String TABLE_SEPARATOR = "__";

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

    /** The build a gold key belongs to, when it lies in a build folder of the model. */
    public Optional<BuildId> buildOfKey(String model, String key) {
        String modelPrefix = modelPrefix(model);
        if (!key.startsWith(modelPrefix)) {
            return Optional.empty();
        }
        String rest = key.substring(modelPrefix.length());
        int slash = rest.indexOf('/');
        return slash > 0 && BuildId.isBuildId(rest.substring(0, slash)) ? Optional.of(new BuildId(rest.substring(0, slash))) : Optional.empty();
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
