package dev.medallion.common.layout;

import java.io.Serial;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Draws the random part of a {@link RunId}. Two runs of the same generation (duplicate deliveries of one
 * event, in two execution environments at once) must draw different nonces, or one run could overwrite or
 * delete the other's parts (README, "The commit protocol").
 * <p>
 * It keeps no random state: every draw asks a {@link SecureRandom} made for that draw, which seeds itself
 * from the operating system when it is first used. A copy of the process, such as a Lambda SnapStart
 * snapshot restored in many execution environments at once, therefore draws different nonces in each
 * copy, whatever the JVM's default SecureRandom algorithm. A generator created (and so seeded) once, at
 * construction or in a static field, would be copied with its state and repeat the same nonces in every
 * restored environment ("Handling uniqueness with Lambda SnapStart",
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html). Lambda's managed Java runtimes
 * make {@code java.security.SecureRandom} itself snapshot-resilient, but this class does not rely on it.
 * <p>
 * Serializable only so that a test can copy it as a snapshot would.
 */
public final class RunNonces implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int NONCE_BYTES = 4;

    /** Eight lowercase hex digits, drawn now. */
    public String next() {
        byte[] bytes = new byte[NONCE_BYTES];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
