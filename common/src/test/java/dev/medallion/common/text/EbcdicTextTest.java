package dev.medallion.common.text;

import dev.medallion.common.testing.MainframeExports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void packedDecimalIsWrittenAsAMainframeWritesIt() {
        assertArrayEquals(new byte[] {0x00, 0x12, 0x34, 0x5C}, MainframeExports.packed(12345, 4));
        assertArrayEquals(new byte[] {0x01, 0x52, 0x07, 0x5D}, MainframeExports.packed(-152075, 4));
    }

    /** Low values and packed decimal among a mainframe export's text: it is still told for EBCDIC, in every code page. */
    @ParameterizedTest
    @ValueSource(strings = {"IBM037", "IBM1047", "IBM273", "IBM297", "IBM500"})
    void aMainframeExportWithBinaryFieldsLooksLikeEbcdicApartFromThem(String codePage) {
        Charset charset = Charset.forName(codePage);
        byte[] export = MainframeExports.withBinaryFields(charset, 300);
        assertTrue(EbcdicText.looksLikeApartFromBinaryFields(export), codePage);
        assertTrue(EbcdicText.looksLikeApartFromBinaryFields(Arrays.copyOf(export, 200)), codePage + ", its first two rows");
        // Not by looksLike: the binary fields' bytes below 0x40 are far more than one in a hundred.
        assertFalse(EbcdicText.looksLike(export), codePage);
        // A packed sign nibble 0xA, or a binary (COMP) halfword of 10, is a 0x0A byte: a few among the line ends do not hide it.
        byte[] withLineFeeds = export.clone();
        for (int i = 100; i < withLineFeeds.length; i += 1000) {
            withLineFeeds[i] = 0x0A;
        }
        assertTrue(EbcdicText.looksLikeApartFromBinaryFields(withLineFeeds), codePage + " with a few 0x0A");
        // Text alone, too: the rule eases looksLike's, it does not replace it.
        assertTrue(EbcdicText.looksLikeApartFromBinaryFields(MAINFRAME.getBytes(charset)), codePage);
    }

    /** Text in ASCII-family charsets and UTF-16, with NUL bytes in it, is not EBCDIC: it ends its lines in 0x0A, its letters are not EBCDIC's. */
    @Test
    void textInOtherEncodingsWithNulBytesDoesNotLookLikeEbcdic() {
        String withNul = WESTERN.replace("Besançon", "Bes\u0000\u0000n");
        for (String name : new String[] {"UTF-8", "windows-1252", "UTF-16LE", "UTF-16BE"}) {
            Charset charset = Charset.forName(name);
            assertFalse(EbcdicText.looksLikeApartFromBinaryFields(withNul.replaceAll("[Łž]", "").getBytes(charset)), name);
            assertFalse(EbcdicText.looksLikeApartFromBinaryFields(MAINFRAME.getBytes(charset)), name + ", upper case");
            assertFalse(EbcdicText.looksLikeApartFromBinaryFields(MAINFRAME.replace("\n", "\r").getBytes(charset)), name + ", CR line breaks");
        }
        // UTF-16 without a byte order mark, of Chinese and of Cyrillic text: most bytes fall where EBCDIC has no letter.
        String chinese = "编号,姓名,城市,备注\n1,张伟,北京,百分之十五\n2,王芳,上海,二十\n".repeat(50);
        String russian = "id;имя;город;доля\n1;Александр Пушкин;Москва;15%\n2;Фёдор Достоевский;Санкт-Петербург;20%\n".repeat(50);
        for (String text : new String[] {chinese, russian}) {
            for (Charset charset : new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_8}) {
                assertFalse(EbcdicText.looksLikeApartFromBinaryFields(text.getBytes(charset)), charset + ": " + text.substring(0, 10));
            }
        }
    }

    /** Compressed and binary formats a CSV dataset receives by mistake: gzip without its suffix, ZIP (an .xlsx), images, random bytes. */
    @Test
    void binaryFormatsDoNotLookLikeEbcdic() throws IOException {
        byte[] csv = MAINFRAME.repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] ebcdic = MainframeExports.withBinaryFields(Charset.forName("IBM037"), 300);
        assertFalse(EbcdicText.looksLikeApartFromBinaryFields(gzip(csv)), "gzip of UTF-8 text");
        assertFalse(EbcdicText.looksLikeApartFromBinaryFields(gzip(ebcdic)), "gzip of an EBCDIC export");
        assertFalse(EbcdicText.looksLikeApartFromBinaryFields(xlsx(csv)), "an .xlsx (ZIP) workbook");
        for (String format : new String[] {"png", "jpg", "bmp", "gif"}) {
            byte[] image = image(format);
            assertTrue(image.length > 1000, format);
            assertFalse(EbcdicText.looksLikeApartFromBinaryFields(image), format);
        }
        Random random = new Random(11);
        for (int run = 0; run < 20; run++) {
            byte[] bytes = new byte[EbcdicText.SAMPLE_BYTES];
            random.nextBytes(bytes);
            assertFalse(EbcdicText.looksLikeApartFromBinaryFields(bytes), "random bytes " + run);
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** A ZIP archive with an .xlsx workbook's entries: XML, deflated. */
    private static byte[] xlsx(byte[] sheet) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                    + "content-types\"><Override PartName=\"/xl/worksheets/sheet1.xml\"/></Types>").getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            zip.write(sheet);
        }
        return bytes.toByteArray();
    }

    /** An image of shapes on a gradient, noise in it, as ImageIO writes it in {@code format}. */
    private static byte[] image(String format) throws IOException {
        BufferedImage image = new BufferedImage(200, 120, format.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int shade = (x + y + random.nextInt(16)) & 0xff;
                image.setRGB(x, y, new Color(shade, 255 - shade, (x * y) & 0xff).getRGB());
            }
        }
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillOval(40, 20, 80, 60);
        graphics.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, bytes), format);
        return bytes.toByteArray();
    }

    @Test
    void ebcdicCodePagesAreToldFromOtherCharsets() {
        for (String name : new String[] {"IBM037", "IBM1047", "IBM273", "IBM297", "IBM500", "IBM1140"}) {
            assertTrue(EbcdicText.isEbcdic(Charset.forName(name)), name);
        }
        for (String name : new String[] {"UTF-8", "windows-1252", "ISO-8859-1", "UTF-16LE", "UTF-16", "UTF-32BE", "IBM437", "IBM850"}) {
            assertFalse(EbcdicText.isEbcdic(Charset.forName(name)), name);
        }
    }

    /** The advice names the binary fields and what to do about them, and the code page only when none is declared. */
    @Test
    void theBinaryFieldsAdviceSaysToExportThemAsDisplayText() {
        String undeclared = EbcdicText.binaryFieldsAdvice("ledger", false);
        assertTrue(undeclared.contains("packed-decimal (COMP-3)") && undeclared.contains("low values (0x00 bytes)")
                && undeclared.contains("Export those fields as display text") && undeclared.contains("CSV_ENCODINGS=ledger:IBM037"), undeclared);
        String declared = EbcdicText.binaryFieldsAdvice("ledger", true);
        assertTrue(declared.contains("packed-decimal (COMP-3)") && declared.contains("Export those fields as display text")
                && !declared.contains("CSV_ENCODINGS"), declared);
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
