package dev.medallion.common.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8LookalikeTest {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    /** What Western exports hold: accents, the euro, typographic quotes and dashes, guillemets, the degree sign. */
    private static final String WESTERN = "id;name;city;note\r\n1;Zoë Müller;Besançon;“déjà vu” – 5 €\r\n2;Ñandú;Málaga;«Élan» 20 °C, ½ kg\r\n";

    @Test
    void utf8TextIsFoundInEveryDeclaredSingleByteCharsetAtItsFirstCharacter() {
        byte[] utf8 = WESTERN.getBytes(StandardCharsets.UTF_8);
        for (String declared : new String[] {"windows-1252", "ISO-8859-1", "ISO-8859-15", "windows-1250", "windows-1251"}) {
            Utf8Lookalike found = Utf8Lookalike.in(utf8, Charset.forName(declared)).orElseThrow(() -> new AssertionError(declared));
            assertEquals(WESTERN.indexOf('ë'), found.offset(), declared + ": ë is the first character above ASCII, every one before it a byte");
        }
        assertEquals("The file looks like UTF-8, not windows-1252, the encoding CSV_ENCODINGS declares for dataset people: every byte above 0x7F"
                + " in its first 8192 bytes is part of a UTF-8 character, the first 0xC3 0xAB at byte offset 23 (line 2), which is 'ë' in UTF-8"
                + " and would be written as 'Ã«'. Remove the dataset's entry from CSV_ENCODINGS if its files are UTF-8 (the default), or save"
                + " this file as windows-1252.", Utf8Lookalike.in(utf8, WINDOWS_1252).orElseThrow().reason(WINDOWS_1252, EncodingSource.CSV_ENCODINGS, "people", "byte offset 23"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"windows-1252", "ISO-8859-1", "ISO-8859-15"})
    void textReallyInTheDeclaredCharsetIsNotFound(String charsetName) {
        Charset charset = Charset.forName(charsetName);
        String text = charset.newEncoder().canEncode(WESTERN) ? WESTERN : "id,name\n1,Zoë Müller\n2,Ñandú «Élan»\n";
        assertFalse(Utf8Lookalike.in(text.getBytes(charset), charset).isPresent());
    }

    @Test
    void whatIsNoEvidenceOfUtf8IsNotFound() {
        assertFalse(Utf8Lookalike.in("id,name\n1,plain\n".getBytes(StandardCharsets.US_ASCII), WINDOWS_1252).isPresent(), "ASCII alone: either charset reads it alike");
        // Â followed by € in windows-1252 is 0xC2 0x80 in its bytes: U+0080 in UTF-8, a C1 control no text holds.
        assertFalse(Utf8Lookalike.in("id,price\n1,Â€5\n".getBytes(WINDOWS_1252), WINDOWS_1252).isPresent());
        // Overlong (0xC0 0xAE) and one UTF-8 character beside a byte that is none.
        assertFalse(Utf8Lookalike.in(new byte[] {'a', (byte) 0xC0, (byte) 0xAE, '\n'}, WINDOWS_1252).isPresent());
        byte[] utf8Start = "id,name\n1,Björn\n2,Zo".getBytes(StandardCharsets.UTF_8);
        byte[] mixed = Arrays.copyOf(utf8Start, utf8Start.length + 2);
        mixed[utf8Start.length] = (byte) 0xEB;
        mixed[utf8Start.length + 1] = '\n';
        assertFalse(Utf8Lookalike.in(mixed, WINDOWS_1252).isPresent(), "a windows-1252 ë (0xEB then a line feed) is no UTF-8: the file is what it declares");
    }

    @Test
    void onlyDeclaredSingleByteAsciiCharsetsAreConcerned() {
        byte[] utf8 = WESTERN.getBytes(StandardCharsets.UTF_8);
        for (Charset charset : new Charset[] {StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, Charset.forName("IBM037"), Charset.forName("Shift_JIS")}) {
            assertFalse(Utf8Lookalike.in(utf8, charset).isPresent(), charset.name());
        }
    }

    @Test
    void onlyTheFirst8KiBAreLookedAtAndASequenceCutThereIsNoEvidence() {
        byte[] ascii = new byte[EbcdicText.SAMPLE_BYTES - 1];
        Arrays.fill(ascii, (byte) 'a');
        byte[] cut = Arrays.copyOf(ascii, EbcdicText.SAMPLE_BYTES + 1);
        cut[EbcdicText.SAMPLE_BYTES - 1] = (byte) 0xC3;
        cut[EbcdicText.SAMPLE_BYTES] = (byte) 0xB6;
        assertFalse(Utf8Lookalike.in(cut, WINDOWS_1252).isPresent());
        byte[] whole = Arrays.copyOf(ascii, EbcdicText.SAMPLE_BYTES + 1);
        whole[EbcdicText.SAMPLE_BYTES - 3] = (byte) 0xC3;
        whole[EbcdicText.SAMPLE_BYTES - 2] = (byte) 0xB6;
        assertTrue(Utf8Lookalike.in(whole, WINDOWS_1252).isPresent());
    }
}
