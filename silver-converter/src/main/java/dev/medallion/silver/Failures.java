package dev.medallion.silver;

import java.io.IOException;

/** The failure of work done on another thread, rethrown on the thread that waited for it as what it was. */
final class Failures {
    private Failures() {}

    /** Throws {@code failure}: an IOException, RuntimeException or Error as itself, anything else wrapped in an IOException. */
    static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IOException(failure);
    }
}
