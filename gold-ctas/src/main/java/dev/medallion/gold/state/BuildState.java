package dev.medallion.gold.state;

import static java.util.Objects.requireNonNull;

/**
 * What the gold builder remembers of a model between invocations, in {@code <gold prefix>_state/<model>.json}:
 * the fingerprint of the inputs of its last successful build, the build readers see now, and the one
 * before it, kept for rollback. Written only after the view points at {@code current}.
 *
 * @param previous the build before {@code current}, or null after the first build
 * @param builtAt when {@code current} became the view's table, ISO-8601
 */
public record BuildState(int formatVersion, String model, String fingerprint, Build current, Build previous, String builtAt) {
    public static final int FORMAT_VERSION = 1;

    public BuildState {
        requireNonNull(model, "model is null");
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(current, "current is null");
        requireNonNull(builtAt, "builtAt is null");
    }

    /**
     * One build of a model: its own table and S3 location.
     *
     * @param location {@code s3://bucket/prefix/model/buildId/}
     */
    public record Build(String buildId, String table, String location) {
        public Build {
            requireNonNull(buildId, "buildId is null");
            requireNonNull(table, "table is null");
            requireNonNull(location, "location is null");
        }
    }
}
