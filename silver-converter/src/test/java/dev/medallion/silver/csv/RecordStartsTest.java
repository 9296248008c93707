package dev.medallion.silver.csv;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordStartsTest {
    private static final String ORDERS = "1,ACME,2.50\n2,\"Bar, Ltd\",3.00\n3,Corner,4.75\n4,Deli,1.00\n5,Eden,9.99\n6,Fig,0.50\n";

    @Test
    void aCutInsideAQuotedFieldMovesPastTheFieldsLineBreaks() {
        // The bytes start inside a note whose lines do not parse as three fields.
        String text = "ring twice\nleave it with the neighbour\nthanks\",2.00\n" + ORDERS;
        int start = RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 3);
        assertEquals(text.indexOf("1,ACME"), start);
    }

    @Test
    void aCutBetweenRecordsTakesTheNextLine() {
        String text = "E,9.99\n" + ORDERS;
        assertEquals(text.indexOf("1,ACME"), RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 3));
    }

    @Test
    void whenNoLineFitsTheFirstLineFeedIsTaken() {
        // Four fields expected, three found everywhere: the guess is unchecked, and the range before checks it.
        String text = "x\n" + ORDERS;
        assertEquals(2, RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 4));
    }

    @Test
    void aLineFeedOfABlankLineIsNeverTheStart() {
        // The bytes start inside a run of blank lines (LF and CRLF): the first start is after the first line that holds something.
        String text = "\n\n\r\n\n0,Zed,1.25\n" + ORDERS;
        assertEquals(text.indexOf("1,ACME"), RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 3));
        // Nor unchecked: with no line that fits, the first line feed of a line that holds something.
        assertEquals(text.indexOf("1,ACME"), RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 4));
        // A line that starts before the bytes do may be blank too.
        assertEquals(-1, RecordStarts.guess(bytes("\r\n\n\r\n"), ',', StandardCharsets.UTF_8, 3));
    }

    @Test
    void theLineFeedAfterALoneCtrlZIsNeverTheStart() {
        // The bytes start on a Ctrl-Z whose line may hold nothing else, then blank lines: no start, the cut is dropped.
        assertEquals(-1, RecordStarts.guess(bytes("\u001a\r\n\n\n\n"), ',', StandardCharsets.UTF_8, 3));
        // A lone Ctrl-Z inside the bytes, then orders that fit after it: the start is after the next line instead.
        String text = "E,9.99\n\u001a\n" + ORDERS;
        assertEquals(text.indexOf("2,\"Bar"), RecordStarts.guess(bytes(text), ',', StandardCharsets.UTF_8, 3));
        // Quoted, or in a line with other characters, the Ctrl-Z is data, and its line feed a start like any other.
        String quoted = "E,9.99\n\"\u001a\"\n" + ORDERS;
        assertEquals(quoted.indexOf("1,ACME"), RecordStarts.guess(bytes(quoted), ',', StandardCharsets.UTF_8, 3));
        String withText = "E,9.99\nx\u001a\n" + ORDERS;
        assertEquals(withText.indexOf("1,ACME"), RecordStarts.guess(bytes(withText), ',', StandardCharsets.UTF_8, 3));
    }

    @Test
    void bytesWithoutALineFeedBeforeTheirLastByteHaveNoStart() {
        assertEquals(-1, RecordStarts.guess(bytes("no line feed here"), ',', StandardCharsets.UTF_8, 3));
        assertEquals(-1, RecordStarts.guess(bytes("only at the end\n"), ',', StandardCharsets.UTF_8, 3));
    }

    @Test
    void aLineFeedIsOneByteInUtf8AndOneByteCharsetsOnly() {
        assertTrue(RecordStarts.lineFeedIsOneByte(StandardCharsets.UTF_8));
        assertTrue(RecordStarts.lineFeedIsOneByte(StandardCharsets.ISO_8859_1));
        assertTrue(RecordStarts.lineFeedIsOneByte(Charset.forName("windows-1252")));
        assertFalse(RecordStarts.lineFeedIsOneByte(StandardCharsets.UTF_16LE));
        assertFalse(RecordStarts.lineFeedIsOneByte(Charset.forName("Shift_JIS")), "a two-byte charset: 0x0A is a line feed, but the cut may split a character");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
