package dev.medallion.common.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventKeysTest {
    @Test
    void decodesKeysAsS3EncodesThem() {
        assertEquals("sales/2026 Q1/ventes été+plus.csv", EventKeys.decode("sales/2026+Q1/ventes+%C3%A9t%C3%A9%2Bplus.csv"));
        assertEquals("sales/a=b/x.csv", EventKeys.decode("sales/a%3Db/x.csv"));
        assertEquals("sales/a=b/x.csv", EventKeys.decode("sales/a%3db/x.csv"), "hex digits in either case");
        assertEquals("sales/😀.csv", EventKeys.decode("sales/%F0%9F%98%80.csv"));
        assertEquals("sales/été.csv", EventKeys.decode("sales/été.csv"), "a character left as it is");
        assertEquals("sales/😀.csv", EventKeys.decode("sales/😀.csv"), "a pair left as it is");
    }

    @Test
    void everyKeyComesBackFromItsEncoding() {
        for (String key : new String[] {"a b/c+d%e.csv", "продажи/x.csv", "日本/ファイル.dat", "x/~!*'();:@&=$,?#[].csv", "sales/Ω😀.csv.gz"}) {
            assertEquals(key, EventKeys.decode(URLEncoder.encode(key, StandardCharsets.UTF_8)), key);
        }
    }

    /** URLDecoder turns these into U+FFFD or other keys; each is refused, naming the key. */
    @ParameterizedTest
    @ValueSource(strings = {"sales/caf%E9.csv", "sales/%C3.csv", "sales/%ED%A0%80.csv", "sales/%C0%AF.csv", "sales/x%G1.csv", "sales/x%2", "sales/x%",
            "sales/x%\uFF14\uFF11.csv"})
    void aKeyThatIsNotUrlEncodedUtf8IsRefused(String encoded) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventKeys.decode(encoded));
        assertTrue(e.getMessage().startsWith("The event's object key " + encoded + " "), e.getMessage());
    }
}
