package dev.medallion.gold.build;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The deployed builder's source of {@link BuildId} suffixes. Two builds of one model started in the same
 * second (two execution environments at once) must draw different suffixes, or they would share a table
 * and an S3 prefix.
 * <p>
 * It keeps no random state, as {@link dev.medallion.common.layout.RunNonces} keeps none: every draw asks
 * a {@link SecureRandom} made for that draw, which seeds itself from the operating system when it is first
 * used. The handler is built in Lambda's init phase, which SnapStart ({@code gold_ctas_snapstart})
 * snapshots once per published version and restores in every new execution environment: a generator
 * created (and so seeded) there would be copied with its state into each of them, and every copy would
 * draw the same suffixes, whatever the JVM's default SecureRandom algorithm ("Handling uniqueness with
 * Lambda SnapStart", https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html). Lambda's
 * managed Java runtimes make {@code java.security.SecureRandom} itself snapshot-resilient, but this class
 * does not rely on it.
 * <p>
 * Serializable only so that a test can copy it as a snapshot would.
 */
public final class PerDrawRandom implements RandomGenerator, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public long nextLong() {
        return new SecureRandom().nextLong();
    }

    /** All the bytes from one generator: a build id's suffix is one draw. */
    @Override
    public void nextBytes(byte[] bytes) {
        new SecureRandom().nextBytes(bytes);
    }
}
