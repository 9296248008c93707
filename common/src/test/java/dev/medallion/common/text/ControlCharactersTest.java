package dev.medallion.common.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlCharactersTest {
    @Test
    void atLeast64ControlCharactersMakingUpMoreThanOnePercentAreBinary() {
        assertFalse(ControlCharacters.scan("a\u0001".repeat(63), 1).tooManyControls());
        assertTrue(ControlCharacters.scan("a\u0001".repeat(64), 1).tooManyControls());
        // 64 in 6,400 characters are 1 %, not more.
        assertFalse(scanOf(64, 6400).tooManyControls());
        assertTrue(scanOf(64, 6399).tooManyControls());
    }

    @Test
    void tabsLineBreaksAndFormFeedsAreNoControlCharactersButC1AndDelAre() {
        assertEquals(0, ControlCharacters.scan("a\tb\u000bc\fd\r\ne\n", 1).controls());
        ControlCharacters.Scan scan = ControlCharacters.scan("a\nb\r\nc\rd\u007f\u0085\u009f\u00a0", 5);
        assertEquals(3, scan.controls());
        assertEquals(0x7f, scan.firstControl());
        assertEquals(8, scan.firstControlLine());
    }

    @Test
    void aNulCharacterStopsTheScanNamingItsLine() {
        ControlCharacters.Scan scan = ControlCharacters.scan("id\n1\u0001\n\u0000\u0001", 1);
        assertEquals(3, scan.nulLine());
        assertEquals(1, scan.controls());
        assertEquals(0, ControlCharacters.scan("id\n", 1).nulLine());
    }

    private static ControlCharacters.Scan scanOf(int controls, int length) {
        return ControlCharacters.scan("\u0001".repeat(controls) + "a".repeat(length - controls), 1);
    }
}
