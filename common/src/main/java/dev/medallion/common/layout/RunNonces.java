package dev.medallion.common.layout;

import java.io.Serial;
import java.io.Serializable;
import java.util.HexFormat;

/**
 * Draws the random part of a {@link RunId}. Two runs of the same generation (duplicate deliveries of one
 * event, in two execution environments at once) must draw different nonces, or one run could overwrite or
 * delete the other's parts (README, "The commit protocol"); the bytes come from {@link PerDrawRandom},
 * which keeps no state a SnapStart snapshot could copy.
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
        new PerDrawRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
