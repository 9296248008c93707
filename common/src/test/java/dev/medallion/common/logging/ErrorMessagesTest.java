package dev.medallion.common.logging;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorMessagesTest {
    @Test
    void aMessageIsTakenAsItIs() {
        assertEquals("disk full", ErrorMessages.describe(new IOException("disk full")));
        assertEquals("wrapped", ErrorMessages.describe(new IOException("wrapped", new EOFException())));
    }

    @Test
    void noMessageNeverSaysNull() {
        assertEquals("the data ends early (EOFException) (no details given)", ErrorMessages.describe(new EOFException()));
        assertEquals("IOException (no details given)", ErrorMessages.describe(new IOException((String) null)));
        assertEquals("IllegalStateException (no details given)", ErrorMessages.describe(new IllegalStateException("  ")));
        assertEquals("an unknown failure", ErrorMessages.describe(null));
    }

    @Test
    void withoutAMessageTheCauseSpeaks() {
        assertEquals("UncheckedIOException, caused by connection reset",
                ErrorMessages.describe(new UncheckedIOException(null, new IOException("connection reset"))));
        assertEquals("RuntimeException, caused by the data ends early (EOFException) (no details given)",
                ErrorMessages.describe(new RuntimeException((String) null, new EOFException())));
    }

    @Test
    void aCauseCycleEnds() {
        IOException a = new IOException((String) null);
        IOException b = new IOException((String) null, a);
        a.initCause(b);
        assertEquals("IOException, caused by IOException (no details given)", ErrorMessages.describe(a));
    }
}
