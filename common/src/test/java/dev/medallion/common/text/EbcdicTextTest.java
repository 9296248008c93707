package dev.medallion.common.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EbcdicTextTest {
    /** Text every single-byte Western export holds: accents, the euro, typographic quotes and dashes (as CsvReaderTest's). */
    private static final String WESTERN = "id;name;city;note\n"
            + "1;Zoë Müller;Besançon;“déjà vu” – 5 €\n"
            + "2;Lukasz?;Reykjavík;it’s a café… naïve\n"
            + "3;Œuvre Šárka;Ærøskøbing;™ ® © ° ± µ ¿¡ ß ÿ Ÿ ž\n";
    private static final String MAINFRAME = "ACCOUNT,HOLDER,BRANCH,BALANCE,OPENED\n"
            + "0001234567,MUELLER KARL,ZUERICH 01,1520.75,1998-04-01\n"
            + "0001234568,Zoë Dubois,Besançon,-12.50,2003-11-30\n";

    @ParameterizedTest
    @ValueSource(strings = {"IBM037", "IBM1047", "IBM273", "IBM297", "IBM500", "IBM1140"})
    void mainframeExportsLookLikeEbcdic(String codePage) {
        Charset charset = Charset.forName(codePage);
        assertTrue(EbcdicText.looksLike(MAINFRAME.getBytes(charset)), codePage);
        assertTrue(EbcdicText.looksLike(MAINFRAME.replace("\n", "\r\n").getBytes(charset)), codePage + " with CRLF");
        assertTrue(EbcdicText.looksLike(WESTERN.replace("Œ", "OE").replace("Š", "S").replace("ž", "z").replace("Ÿ", "Y").replace("€", "EUR")
                .replace("“", "\"").replace("”", "\"").replace("–", "-").replace("’", "'").replace("…", "...").replace("™", "TM").getBytes(charset)),
                codePage + " with accents and punctuation");
        // Figures alone, as many delimiters as digits; and lines that end in 0x25, as some transfers write them.
        assertTrue(EbcdicText.looksLike("1,2,3\n4,5,6\n".getBytes(charset)), codePage + " figures");
        byte[] lf25 = MAINFRAME.getBytes(charset);
        for (int i = 0; i < lf25.length; i++) {
            lf25[i] = lf25[i] == 0x15 ? 0x25 : lf25[i];
        }
        assertTrue(EbcdicText.looksLike(lf25), codePage + " with 0x25 line ends");
    }

    /** The windows-1252 and Latin-1 exports the UTF-8 advice is for keep it, whatever their line breaks. */
    @Test
    void asciiFamilyTextDoesNotLookLikeEbcdic() {
        for (String lineBreak : new String[] {"\n", "\r\n", "\r"}) {
            String western = WESTERN.replace("\n", lineBreak);
            assertFalse(EbcdicText.looksLike(western.getBytes(Charset.forName("windows-1252"))), "windows-1252 " + escaped(lineBreak));
            assertFalse(EbcdicText.looksLike(western.replaceAll("[“”–’…™ŒŠžŸ€]", "").getBytes(StandardCharsets.ISO_8859_1)), "Latin-1 " + escaped(lineBreak));
            assertFalse(EbcdicText.looksLike(western.getBytes(StandardCharsets.UTF_8)), "UTF-8 " + escaped(lineBreak));
            assertFalse(EbcdicText.looksLike(MAINFRAME.replace("\n", lineBreak).getBytes(StandardCharsets.ISO_8859_1)), "Latin-1 upper case " + escaped(lineBreak));
        }
        // Cyrillic in windows-1251 puts most letters where EBCDIC has its own; lines end in CR, and '%' is EBCDIC's 0x25 line end.
        String russian = "id;имя;город;доля\r1;Александр Пушкин;Москва;15%\r2;Фёдор Достоевский;Санкт-Петербург;20%\r";
        assertFalse(EbcdicText.looksLike(russian.getBytes(Charset.forName("windows-1251"))), "windows-1251");
        assertFalse(EbcdicText.looksLike("Straße%Köln%Zürich%Genève".getBytes(Charset.forName("windows-1252"))), "no line break, '%' between words");
    }

    @Test
    void binaryDataAndTextWithoutALineEndDoNotLookLikeEbcdic() {
        byte[] random = new byte[EbcdicText.SAMPLE_BYTES];
        new Random(7).nextBytes(random);
        for (int i = 0; i < random.length; i++) {
            random[i] = random[i] == 0x0A ? 0x15 : random[i];
        }
        assertFalse(EbcdicText.looksLike(random), "random bytes without 0x0A");
        // Letters and line ends alone, but every fourth byte an EBCDIC control character: not text.
        byte[] controls = MAINFRAME.getBytes(Charset.forName("IBM037"));
        for (int i = 0; i < controls.length; i += 4) {
            controls[i] = controls[i] == 0x15 ? (byte) 0x15 : (byte) 0x03;
        }
        assertFalse(EbcdicText.looksLike(controls), "control bytes");
        assertFalse(EbcdicText.looksLike("ACCOUNT,HOLDER".getBytes(Charset.forName("IBM037"))), "no line end");
        assertFalse(EbcdicText.looksLike(new byte[0]), "empty");
    }

    /** The rule looks at the sample's bytes only, as the converter's sample holds them: a 0x0A after them does not count, one in them does. */
    @Test
    void onlyTheFirstSampleBytesCount() {
        byte[] start = MAINFRAME.repeat(200).getBytes(Charset.forName("IBM037"));
        assertTrue(start.length > EbcdicText.SAMPLE_BYTES);
        assertTrue(EbcdicText.looksLike(withLineFeed(start)));
        assertTrue(EbcdicText.looksLike(Arrays.copyOf(start, 100)));
        assertFalse(EbcdicText.looksLike(withLineFeed(Arrays.copyOf(start, 100))));
    }

    /** The advice names code pages the converter can read. */
    @Test
    void theAdviceNamesCodePagesJavaSupports() {
        String advice = EbcdicText.advice("legacy");
        assertTrue(advice.contains("CSV_ENCODINGS=legacy:IBM037"), advice);
        for (String codePage : new String[] {"IBM037", "IBM1047", "IBM273", "IBM297"}) {
            assertTrue(advice.contains(codePage) && Charset.isSupported(codePage), codePage + ": " + advice);
        }
    }

    private static byte[] withLineFeed(byte[] bytes) {
        byte[] withLineFeed = Arrays.copyOf(bytes, bytes.length + 1);
        withLineFeed[bytes.length] = 0x0A;
        return withLineFeed;
    }

    private static String escaped(String lineBreak) {
        return lineBreak.replace("\r", "CR").replace("\n", "LF");
    }

    /** The charsets an EBCDIC file is misread in, and so advised on: those that write ASCII as ASCII's bytes. */
    @Test
    void anEbcdicFileIsMisreadInAsciiFamilyCharsetsOnly() {
        for (String name : new String[] {"UTF-8", "windows-1252", "ISO-8859-1", "ISO-8859-15", "US-ASCII"}) {
            assertTrue(EbcdicText.misreadIn(Charset.forName(name)), name);
        }
        for (String name : new String[] {"IBM037", "IBM1047", "UTF-16LE", "UTF-16", "UTF-32BE"}) {
            assertFalse(EbcdicText.misreadIn(Charset.forName(name)), name);
        }
    }
}
