package dev.medallion.gold.build;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Names one build of a model: its UTC start to the second, then six random hex digits, such as
 * {@code 20260314233000_a1b2c3}. Sorting the names sorts the builds by time; the random part keeps two
 * builds in the same second (a rerun, a retry) from sharing a table or an S3 prefix, which is what
 * rules out {@code HIVE_PATH_ALREADY_EXISTS} and "table already exists".
 */
public record BuildId(String value) implements Comparable<BuildId> {
    private static final Pattern FORMAT = Pattern.compile("[0-9]{14}_[0-9a-f]{6}");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    public BuildId {
        requireNonNull(value, "value is null");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("Not a build id: '" + value + "'");
        }
    }

    public static BuildId next(Clock clock, RandomGenerator random) {
        requireNonNull(clock, "clock is null");
        requireNonNull(random, "random is null");
        byte[] suffix = new byte[3];
        random.nextBytes(suffix);
        return new BuildId(SECONDS.format(clock.instant()) + "_" + HexFormat.of().formatHex(suffix));
    }

    /** When the build started, to the second: the time its id begins with. */
    public Instant startedAt() {
        return Instant.from(SECONDS.parse(value.substring(0, 14)));
    }

    public static boolean isBuildId(String text) {
        return FORMAT.matcher(text).matches();
    }

    @Override
    public int compareTo(BuildId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
