package dev.medallion.gold.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.medallion.common.json.AbsentNotNull;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the gold builder remembers of a model between invocations, in {@code <gold prefix>_state/<model>.json}:
 * the fingerprint of the inputs of its last successful build, the build readers see now, and the one
 * before it, kept for rollback. Written only after the view points at {@code current}.
 *
 * @param previous the build before {@code current}, or null after the first build
 * @param builtAt when {@code current} became the view's table, ISO-8601
 * @param requestId the request id of the invocation that built {@code current}; null in a state written
 *        before it was recorded (the field is absent, and Jackson reads it as null), which matches no request.
 *        Lambda keeps an asynchronous invocation's request id on its retries: a retry finding its own id
 *        here knows the model was already built by the invocation it repeats
 * @param replaced builds older than {@code previous} that the view selected from until a later swap, each with the
 *        build whose swap replaced it, while a reader's query planned before that swap may still run: how long such a
 *        build is kept for its readers is told by that build's start, which a killed build's leftover started in
 *        between would otherwise stand in for. Empty in a state written before it was recorded (the field is absent)
 */
public record BuildState(
        int formatVersion,
        String model,
        String fingerprint,
        Build current,
        // Written null after a model's first build: null is a value here, never damage.
        Build previous,
        String builtAt,
        // Left out of the JSON when null, as a builder from before it was recorded left it out: a state of no known request is written
        // so when one of that builder's records before a swap is recorded as the state (UnrecordedSwaps), and null there is refused.
        @AbsentNotNull("a gold-ctas writes the request that built the model, one from before it was recorded leaves the field out (built by"
                + " no known request)")
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestId,
        @AbsentNotNull("a gold-ctas writes the list, empty when no build was replaced, one from before it was recorded leaves the field out"
                + " (read as empty)")
        List<Replacement> replaced) {
    /**
     * Still 1 with {@code requestId} and {@code replaced}: a state without the one reads as built by no known request,
     * without the other as one that knows no build replaced before its previous one, and an older builder ignores
     * both (unknown fields are ignored), so either can read the other's states.
     */
    public static final int FORMAT_VERSION = 1;

    public BuildState {
        if (formatVersion < 1) {
            // No builder wrote one: damaged, never read as format 1. A newer format is refused where it is read (BuildStateStore).
            throw new IllegalArgumentException("formatVersion is " + formatVersion + ", not a build state format: 1 to " + FORMAT_VERSION);
        }
        requireNonNull(model, "model is null");
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(current, "current is null");
        requireNonNull(builtAt, "builtAt is null");
        replaced = replaced == null ? List.of() : List.copyOf(replaced);
    }

    /** Whether {@code current} was built by the invocation of this request id, the first attempt of a retried one included. */
    public boolean builtByRequest(String requestId) {
        requireNonNull(requestId, "requestId is null");
        return requestId.equals(this.requestId);
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

    /** A build the view selected from until the swap of build {@code by} replaced it. */
    public record Replacement(String buildId, String by) {
        public Replacement {
            requireNonNull(buildId, "buildId is null");
            requireNonNull(by, "by is null");
        }
    }
}
