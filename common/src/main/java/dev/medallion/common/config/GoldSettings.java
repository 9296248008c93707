package dev.medallion.common.config;

import java.time.Duration;
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
 * <tr><td>ATHENA_DML_QUERY_TIMEOUT_MINUTES</td><td>30</td><td>the account's Athena DML query timeout (a Service Quota, 30 minutes unless
 * raised, 240 at most): how long a reader's query may still run on a build the view no longer selects from, so how long such a build
 * is kept</td></tr>
 * </table>
 */
public record GoldSettings(
        String goldBucket,
        String goldPrefix,
        String silverBucket,
        String silverPrefix,
        String silverDatabase,
        String goldDatabase,
        String athenaWorkgroup,
        Duration athenaDmlQueryTimeout) {
    public static final String GOLD_BUCKET = "GOLD_BUCKET";
    public static final String GOLD_PREFIX = "GOLD_PREFIX";
    public static final String SILVER_BUCKET = SilverSettings.SILVER_BUCKET;
    public static final String SILVER_PREFIX = SilverSettings.SILVER_PREFIX;
    public static final String SILVER_DATABASE = SilverSettings.SILVER_DATABASE;
    public static final String GOLD_DATABASE = "GOLD_DATABASE";
    public static final String ATHENA_WORKGROUP = "ATHENA_WORKGROUP";
    public static final String ATHENA_DML_QUERY_TIMEOUT_MINUTES = "ATHENA_DML_QUERY_TIMEOUT_MINUTES";

    /** Athena's DML query timeout unless the account raised it (Athena User Guide, "Service Quotas"). */
    public static final Duration DEFAULT_ATHENA_DML_QUERY_TIMEOUT = Duration.ofMinutes(30);
    /** The most Athena's DML query timeout can be raised to (Athena User Guide, "Service Quotas": up to a maximum of 240 minutes). */
    public static final Duration MAX_ATHENA_DML_QUERY_TIMEOUT = Duration.ofMinutes(240);

    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public GoldSettings {
        requireNonNull(goldBucket, "goldBucket is null");
        requireNonNull(goldPrefix, "goldPrefix is null");
        requireNonNull(silverBucket, "silverBucket is null");
        requireNonNull(silverPrefix, "silverPrefix is null");
        requireNonNull(silverDatabase, "silverDatabase is null");
        requireNonNull(goldDatabase, "goldDatabase is null");
        requireNonNull(athenaWorkgroup, "athenaWorkgroup is null");
        requireNonNull(athenaDmlQueryTimeout, "athenaDmlQueryTimeout is null");
        // Only what would otherwise fail far from its cause: names reach SQL quoted, and AWS rejects
        // a wrong one with a message naming it.
        BucketName.checked(GOLD_BUCKET, GOLD_PREFIX, goldBucket);
        BucketName.checked(SILVER_BUCKET, SILVER_PREFIX, silverBucket);
        if (!PLAIN_IDENTIFIER.matcher(silverDatabase).matches()) {
            // The one name that reaches SQL unquoted: models write ${silver_database}.<table>.
            throw new ConfigurationException("Environment variable " + SILVER_DATABASE + " must be a plain SQL identifier (lowercase letters, "
                    + "digits and underscores, not starting with a digit), since gold models name it unquoted as ${silver_database}; got '" + silverDatabase + "'");
        }
        if (athenaDmlQueryTimeout.compareTo(DEFAULT_ATHENA_DML_QUERY_TIMEOUT) < 0 || athenaDmlQueryTimeout.compareTo(MAX_ATHENA_DML_QUERY_TIMEOUT) > 0) {
            // Shorter than the account's real timeout would remove builds under readers' queries; the quota is never below its default.
            throw new ConfigurationException("Environment variable " + ATHENA_DML_QUERY_TIMEOUT_MINUTES + " must be the account's Athena DML query timeout "
                    + "in whole minutes, from " + DEFAULT_ATHENA_DML_QUERY_TIMEOUT.toMinutes() + " (Athena's default) to " + MAX_ATHENA_DML_QUERY_TIMEOUT.toMinutes()
                    + " (the most its Service Quota can be raised to); got " + athenaDmlQueryTimeout.toMinutes()
                    + ". Set it (Terraform: athena_dml_query_timeout_minutes) to the quota 'DML query timeout' the Service Quotas console shows for Athena");
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
                environment.required(ATHENA_WORKGROUP, "the Athena workgroup the gold queries run in"),
                Duration.ofMinutes(environment.positiveInt(ATHENA_DML_QUERY_TIMEOUT_MINUTES, (int) DEFAULT_ATHENA_DML_QUERY_TIMEOUT.toMinutes())));
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
