package dev.medallion.common.layout;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Random numbers for the parts of names that must differ between copies of one process: the converter's
 * run nonces ({@link RunNonces}) and the gold builder's build ids. Two runs of one source's generation,
 * or two builds of one model started in the same second, in two execution environments at once, must
 * draw different values, or they would share keys.
 * <p>
 * It keeps no random state: every draw asks a {@link SecureRandom} made for that draw, which seeds itself
 * from the operating system when it is first used. A copy of the process, such as a Lambda SnapStart
 * snapshot restored in many execution environments at once, therefore draws different values in each
 * copy, whatever the JVM's default SecureRandom algorithm. A generator created (and so seeded) once, at
 * construction or in a static field, would be copied with its state and repeat the same values in every
 * restored environment ("Handling uniqueness with Lambda SnapStart",
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html). Lambda's managed Java runtimes
 * make {@code java.security.SecureRandom} itself snapshot-resilient, but this class does not rely on it.
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

    /** All the bytes from one generator: a nonce or a build id's suffix is one draw. */
    @Override
    public void nextBytes(byte[] bytes) {
        new SecureRandom().nextBytes(bytes);
    }
}
