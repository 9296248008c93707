package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc32ChecksumTest {
    @Test
    void matchesTheStandardCheckValue() {
        // CRC-32/ISO-HDLC of "123456789" is 0xCBF43926, the check value of every CRC catalogue.
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals("y/Q5Jg==", Crc32Checksum.of(check, 0, check.length));
        assertEquals("y/Q5Jg==", Crc32Checksum.encode(0xCBF43926L));
    }

    @Test
    void matchesWhatTheAwsSdkSendsToS3() {
        // The x-amz-checksum-crc32 the AWS SDK computed for this body in a PutObject to moto.
        byte[] body = "id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("twiHiQ==", Crc32Checksum.of(body, 0, body.length));
    }

    @Test
    void emptyContent() {
        assertEquals("AAAAAA==", Crc32Checksum.of(new byte[0], 0, 0));
    }

    @Test
    void theWholeIsTheSameReadInOneGoOrInParts() throws IOException {
        byte[] content = new byte[3 * 65_536 + 17];
        new Random(4).nextBytes(content);
        Crc32Checksum parts = new Crc32Checksum();
        parts.update(content, 0, 1000);
        parts.update(content, 1000, content.length - 1000);
        Crc32Checksum streamed = Crc32Checksum.of(new ByteArrayInputStream(content));

        assertEquals(Crc32Checksum.of(content, 0, content.length), parts.base64());
        assertEquals(parts.base64(), streamed.base64());
        assertEquals(content.length, streamed.bytes());
    }
}
