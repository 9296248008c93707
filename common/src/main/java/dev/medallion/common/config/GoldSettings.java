package dev.medallion.common.config;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Everything the gold builder reads from its environment, read in this one place. Each public
 * {@code String} constant is a variable's name: the infrastructure contract tests find them by reflection
 * and compare them with what Terraform sets.
 *
 * <table>
 * <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>GOLD_BUCKET</td><td>(required)</td><td>bucket that receives the gold tables' Parquet and the build state</td></tr>
 * <tr><td>GOLD_PREFIX</td><td>empty</td><td>key prefix inside the gold bucket</td></tr>
 * <tr><td>SILVER_BUCKET</td><td>(required)</td><td>the silver bucket, whose manifests tell whether a model's inputs changed</td></tr>
 * <tr><td>SILVER_PREFIX</td><td>empty</td><td>key prefix inside the silver bucket, as the converter was given it</td></tr>
 * <tr><td>SILVER_DATABASE</td><td>(required)</td><td>Glue database of the silver tables the models read</td></tr>
 * <tr><td>GOLD_DATABASE</td><td>(required)</td><td>Glue database that receives the gold tables and views</td></tr>
 * <tr><td>ATHENA_WORKGROUP</td><td>(required)</td><td>workgroup the queries run in, the builder's own: its settings hold the result location and
 * encryption, and it must not enforce them, since every CTAS names its external_location, which Athena refuses in a workgroup
 * that enforces its configuration</td></tr>
 * </table>
 */
public record GoldSettings(
        String goldBucket,
        String goldPrefix,
        String silverBucket,
        String silverPrefix,
        String silverDatabase,
        String goldDatabase,
        String athenaWorkgroup) {
    public static final String GOLD_BUCKET = "GOLD_BUCKET";
    public static final String GOLD_PREFIX = "GOLD_PREFIX";
    public static final String SILVER_BUCKET = SilverSettings.SILVER_BUCKET;
    public static final String SILVER_PREFIX = SilverSettings.SILVER_PREFIX;
    public static final String SILVER_DATABASE = "SILVER_DATABASE";
    public static final String GOLD_DATABASE = "GOLD_DATABASE";
    public static final String ATHENA_WORKGROUP = "ATHENA_WORKGROUP";

    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public GoldSettings {
        requireNonNull(goldBucket, "goldBucket is null");
        requireNonNull(goldPrefix, "goldPrefix is null");
        requireNonNull(silverBucket, "silverBucket is null");
        requireNonNull(silverPrefix, "silverPrefix is null");
        requireNonNull(silverDatabase, "silverDatabase is null");
        requireNonNull(goldDatabase, "goldDatabase is null");
        requireNonNull(athenaWorkgroup, "athenaWorkgroup is null");
        // Only what would otherwise fail far from its cause: names reach SQL quoted, and AWS rejects
        // a wrong one with a message naming it.
        BucketName.checked(GOLD_BUCKET, GOLD_PREFIX, goldBucket);
        BucketName.checked(SILVER_BUCKET, SILVER_PREFIX, silverBucket);
        if (!PLAIN_IDENTIFIER.matcher(silverDatabase).matches()) {
            // The one name that reaches SQL unquoted: models write ${silver_database}.<table>.
            throw new ConfigurationException("Environment variable " + SILVER_DATABASE + " must be a plain SQL identifier (lowercase letters, "
                    + "digits and underscores, not starting with a digit), since gold models name it unquoted as ${silver_database}; got '" + silverDatabase + "'");
        }
        goldPrefix = normalizePrefix(goldPrefix);
        silverPrefix = normalizePrefix(silverPrefix);
    }

    public static GoldSettings fromEnvironment(Environment environment) {
        requireNonNull(environment, "environment is null");
        return new GoldSettings(
                environment.required(GOLD_BUCKET, "the name of the gold bucket that receives the gold tables"),
                environment.string(GOLD_PREFIX, ""),
                environment.required(SILVER_BUCKET, "the name of the silver bucket whose manifests the gold builder fingerprints"),
                environment.string(SILVER_PREFIX, ""),
                environment.required(SILVER_DATABASE, "the Glue database of the silver tables"),
                environment.required(GOLD_DATABASE, "the Glue database that receives the gold tables"),
                environment.required(ATHENA_WORKGROUP, "the Athena workgroup the gold queries run in"));
    }

    /** {@code ""} or a prefix ending in one '/', without a leading '/', as S3 keys want it. */
    static String normalizePrefix(String prefix) {
        String trimmed = prefix.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.isEmpty() || trimmed.endsWith("/") ? trimmed : trimmed + "/";
    }
}
